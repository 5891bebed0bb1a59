/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships a WASM Postgres and postgres-js opens sockets: both must be loaded by Node
  // itself, not bundled, so that every route shares one database client per process.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres'],
  outputFileTracingIncludes: { '/**': ['./drizzle/**/*', './lib/attestation/tpm-roots/*'] },
  // `npm test` and `npm run typecheck` run tsc over the whole repository (tests included) once;
  // the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // A second build beside the usual one (parallel work, benchmarks) sets NEXT_DIST_DIR.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  devIndicators: false,
};
export default nextConfig;
