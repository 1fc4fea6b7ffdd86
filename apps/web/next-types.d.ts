// Next's ambient types, committed: next-env.d.ts is written by `next build`/`next dev` and imports
// files under .next/ that a clean clone does not have, so it is git-ignored.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
