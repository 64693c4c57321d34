// Module resolution hook (registered by register.ts): `electron` resolves to the recording double.
const double = new URL('./electron.ts', import.meta.url).href;

interface ResolveResult {
  url: string;
  shortCircuit?: boolean;
}

/** Node's resolve hook: the double for `electron`, everything else as usual. */
export async function resolve(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  if (specifier === 'electron') return { url: double, shortCircuit: true };
  return nextResolve(specifier, context);
}
