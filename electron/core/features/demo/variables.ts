// The variables that send a demo shell's secrets to the demo's process (secrets.ts): apart from its HTTP code,
// so that the CLI can ask whether a shell is a demo's without loading it.

/** The demo process's address (http://127.0.0.1:PORT). */
export const DEMO_SECRETS_VARIABLE = 'ROLEBAR_DEMO_SECRETS';
/** The random token every call to it carries. */
export const DEMO_SECRETS_TOKEN_VARIABLE = 'ROLEBAR_DEMO_SECRETS_TOKEN';
