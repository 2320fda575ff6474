/** Progress for humans, on stderr: stdout is reserved for the one JSON line of figures. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
