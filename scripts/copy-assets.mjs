#!/usr/bin/env node
// tsc compiles only TypeScript: this copies the files the compiled service reads at run time (redaction word
// lists, the reporter form's HTML, CSS and scripts) from src/ to the same places under dist/.
import { cpSync, existsSync } from 'node:fs'

const ASSETS = ['lib/redaction/data', 'lib/auth/data', 'public']
for (const asset of ASSETS) {
  const from = new URL(`../src/${asset}`, import.meta.url)
  if (existsSync(from)) {
    cpSync(from, new URL(`../dist/${asset}`, import.meta.url), {
      recursive: true,
      filter: (source) => !source.endsWith('.ts')
    })
  }
}
