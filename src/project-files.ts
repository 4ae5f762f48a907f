/** Folders of the project that the running server reads, found from both `src/` and `dist/`. */
import { fileURLToPath } from 'node:url'

export const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url))
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))
