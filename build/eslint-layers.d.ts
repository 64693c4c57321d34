// Types of eslint-layers.js for the tests that read its tables (test/setup/rooms.test.ts).
export const CORE_ROOMS: Record<string, string[]>;
export const CORE_REACHES_OUT: Record<string, string[]>;
export const FRONT_ENDS: Record<string, string[]>;
export const layersPlugin: { rules: Record<string, unknown> };
