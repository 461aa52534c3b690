/**
 * Paper 1's published numbers, embedded so that every experiment can be judged without the shared data folder.
 * Eigenvalues: the complex128 files of william-redman/Identifying_Equivalent_Training_Dynamics (MIT), snapshot
 * 639b6f2, as transcribed in test/fixtures/golden.json `omd_ogd.published` (all imaginary parts are 0). Distances:
 * docs/methods.md (paper 1's experiments, E8, E9), recomputed from those files with uniform-weight W1 (std: ddof 0,
 * as paper 1).
 */
export const PAPER_SOURCE = 'paper 1 published eigenvalue files (Redman et al. 2024), recomputed W1';
/** The source of the embedded numbers below, used when the published files are absent. */
export const QUOTED_SOURCE = "paper 1's published values, as quoted in docs/methods.md (E9)";

export const PUBLISHED_OMD = [
  0.9978999908006522, 0.9964443748352086, 0.9837929797206395, 0.9798832383048364, 0.9319678939163638,
  0.9245767559002187, 0.8011717392386297, 0.792540774974951, 0.5651320810492184, 0.5581435336455864,
];
export const PUBLISHED_OGD = [
  1.0004759223188462, 0.9985621515824727, 0.9936797409661496, 0.9866535174184446, 0.9488212542443102,
  0.9348168238889653, 0.8175608803298539, 0.7999114472870379, 0.5710225661907816, 0.5555055382758932,
];
export const PUBLISHED_W_OMD_OGD = 0.0080732;
/**
 * From the published files; bisection is numerically fragile (docs/methods.md#paper1-omd-ogd): only W > 0.7 is
 * meaningful.
 */
export const PUBLISHED_W_OMD_BM = 0.746;
export const PUBLISHED_W_OGD_BM = 0.753;

/** FCN on MNIST, mean ± std over 25 seeds (docs/methods.md#e9). */
export const PUBLISHED_FCN = {
  'h=5 vs h=10': { mean: 0.0065230, std: 0.0016833 },
  'h=5 vs h=40': { mean: 0.0070043, std: 0.0016686 },
  'h=10 vs h=40': { mean: 0.0047097, std: 0.0011951 },
  /** between seeds within h=40, 300 pairs */
  'null h=40': { mean: 0.0042818, std: 0.0016287 },
} as const;

export const FCN_FILES: Record<number, string> = {
  5: 'Koopman_eigenvalues_FCN_MNIST_h=5.npy',
  10: 'Koopman_eigenvalues_FCN_MNIST_h=10.npy',
  40: 'Koopman_eigenvalues_FCN_MNIST_h=40.npy',
};

/** Transformer grokking vs the constrained control, 20 seeds (docs/methods.md#e9). */
export const PUBLISHED_GROKKING = { mean: 0.0275272, std: 0.0013779 };
export const GROKKING_FILES = {
  grokking: 'grokking_mod_addition_eigs.npy',
  constrained: 'grokking_mod_addition_constrained_alpha_0.8_eigs.npy',
};
