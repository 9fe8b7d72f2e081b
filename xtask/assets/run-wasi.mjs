// Runs a wasm32-wasip1 program under Node's WASI: V8, the engine the designer runs in.
// Used by `cargo xtask bench-wasm`.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv } from 'node:process';
const wasi = new WASI({ version: 'preview1', args: [argv[2]], env: {} });
const module = await WebAssembly.compile(await readFile(argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
wasi.start(instance);
