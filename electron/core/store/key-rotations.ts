/*
 * IAM access-key rotations in flight (features/iam/rotate.ts). One is recorded in settings, under the settings
 * lock, before CreateAccessKey: which keys the user had then, and which one Rolebar used. A rotation that a kill
 * cut short leaves its record, and the next rotation of that identity reads it to finish or undo the last one
 * without asking. Key ids only: never a secret.
 */
import os from 'node:os';
import { isProcessAlive } from '../platform/atomic.js';
import type { Settings, SettingsRecord } from './settings.js';

/** One rotation in flight. */
export interface KeyRotationRecord {
  identityId: string;
  /** The key Rolebar used when the rotation began: the one it retires. */
  oldKeyId: string;
  /** Every key the user had in IAM just before CreateAccessKey: a key not among them was made by the rotation. */
  keysBefore: string[];
  deactivateOld: boolean;
  pid: number;
  host: string;
  startedAt: string;
}

function parse(record: SettingsRecord): KeyRotationRecord | undefined {
  const { identityId, oldKeyId, keysBefore, deactivateOld, pid, host, startedAt } = record;
  if (typeof identityId !== 'string' || typeof oldKeyId !== 'string' || typeof pid !== 'number')
    return undefined;
  if (!Array.isArray(keysBefore) || !keysBefore.every((k) => typeof k === 'string')) return undefined;
  if (typeof host !== 'string' || typeof startedAt !== 'string') return undefined;
  return { identityId, oldKeyId, keysBefore, deactivateOld: deactivateOld === true, pid, host, startedAt };
}

/** The identity's rotation in flight, if one was recorded (by a live process or one that died). */
export function rotationOf(settings: Settings, identityId: string): KeyRotationRecord | undefined {
  const records = settings.read().keyRotations ?? [];
  return records.flatMap((record) => parse(record) ?? []).find((r) => r.identityId === identityId);
}

/** True while the process that recorded `record` still runs on this host: its rotation is not ours to settle. */
export function rotationIsLive(record: KeyRotationRecord): boolean {
  return record.host === os.hostname() && record.pid !== process.pid && isProcessAlive(record.pid);
}

/** Records this process's rotation of the identity (replacing an older record of it). */
export function recordRotation(
  settings: Settings,
  rotation: Pick<KeyRotationRecord, 'identityId' | 'oldKeyId' | 'keysBefore' | 'deactivateOld'>,
  now = Date.now(),
): void {
  settings.update((data) => {
    const others = (data.keyRotations ?? []).filter((r) => r.identityId !== rotation.identityId);
    const record: KeyRotationRecord = {
      ...rotation,
      pid: process.pid,
      host: os.hostname(),
      startedAt: new Date(now).toISOString(),
    };
    data.keyRotations = [...others, { id: `rotation:${rotation.identityId}`, ...record }];
  });
}

/** Drops the identity's record: its rotation ended, or was settled. The key goes when the list empties. */
export function dropRotation(settings: Settings, identityId: string): void {
  settings.update((data) => {
    const rest = (data.keyRotations ?? []).filter((r) => r.identityId !== identityId);
    if (rest.length > 0) data.keyRotations = rest;
    else delete data.keyRotations;
  });
}
