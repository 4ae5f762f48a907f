import { measureMemory } from './memory.js'
console.log(await measureMemory({ generators: 2, overloadMs: Number(process.argv[2] ?? 10000), settleMs: 5000 }))
