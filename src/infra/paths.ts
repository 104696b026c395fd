import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, so scripts work from any working directory. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataDir = process.env.COURSEKEY_DATA_DIR ?? path.join(projectRoot, '.data');
