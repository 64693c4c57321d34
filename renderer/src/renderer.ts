import type { RolebarApi } from '../../electron/preload/api.js';

declare global {
  interface Window {
    rolebar: RolebarApi;
  }
}

async function start(): Promise<void> {
  const status = document.getElementById('status');
  if (!status) return;
  const info = await window.rolebar.getAppInfo();
  status.textContent = `${info.name} ${info.version}${info.demo ? ' (demo)' : ''} on ${info.platform}`;
}

void start();
