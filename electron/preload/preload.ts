// Runs sandboxed in the renderer before the page: bundled into one CommonJS file, it may only require 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import type { Invoke } from '../ipc/contract.js';
import { createRolebarApi } from './api.js';

const invoke: Invoke = (channel, ...args) => ipcRenderer.invoke(channel, ...args);

contextBridge.exposeInMainWorld('rolebar', createRolebarApi(invoke));
