/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native or wasm parts stay outside the bundle.
  serverExternalPackages: [
    '@node-rs/argon2',
    'pg',
    'pg-boss',
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    'tsx',
    'esbuild',
  ],
  typescript: { tsconfigPath: 'tsconfig.next.json' },
};

export default nextConfig;
