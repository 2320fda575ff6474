#!/usr/bin/env node
// tsc does not copy non-TypeScript files; migrations are read at run time from beside the code.
import { cpSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
mkdirSync(resolve(root, 'dist/store/migrations'), { recursive: true });
cpSync(resolve(root, 'src/store/migrations'), resolve(root, 'dist/store/migrations'), {
  recursive: true,
});
