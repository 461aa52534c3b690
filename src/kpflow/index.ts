/** The KPFlow view (paper 2): operators of recurrent-network training. Pure float64 core; see docs/kpflow.md. */
export * from './cells';
export * from './operators';
export * from './spectral';
export * from './tasks';
export * from './train';
export * from './presets';
export * from './analysis';
export { seededRng, normals, type Rng } from '../linalg/random';
