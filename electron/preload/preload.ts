// Runs sandboxed in the renderer before the page: bundled into one CommonJS file, it may only require 'electron'.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { EventPayloads, Invoke, Subscribe } from '../ipc/contract.js';
import { createRolebarApi } from './api.js';

const invoke: Invoke = (channel, ...args) => ipcRenderer.invoke(channel, ...args);

const subscribe: Subscribe = (channel, listener) => {
  // The page gets the payload only, never Electron's event object (it holds the sender).
  const wrapped = (_event: IpcRendererEvent, payload: EventPayloads[typeof channel]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
};

contextBridge.exposeInMainWorld('rolebar', createRolebarApi(invoke, subscribe));
