// The key-age column of `rolebar status` and `identity list` (apart from the IAM code that reads the ages).
import { describeKeyInfo, type KeyInfo } from '../core/features/iam/key-info.js';

/** The key-age column: age and last use, or what is unknown and which permission would show it. */
export function keyColumn(info: KeyInfo | undefined, now = Date.now()): string {
  return info ? describeKeyInfo(info, now) : '-';
}
