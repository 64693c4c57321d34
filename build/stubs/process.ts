// Stands in for `node:process` in the CLI bundle (see build.ts, processGlobal): the global `process` itself, the
// very object Node's `node:process` is. Imported as an ES module, Node's own wraps it in a facade that reads every
// property once, and reading `process.stdin` sets up standard input: about 5 ms of every `rolebar` call spent on a
// stream no listing reads. Named imports are checked by esbuild against the exports below.
const { process: own } = globalThis;

// eslint-disable-next-line no-restricted-syntax
export default own;
export const { env, versions } = own;
