import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  // The API is a separate process; the browser talks to it through this same-origin rewrite so cookies
  // and CORS never get in the way.
  async rewrites() {
    const api = process.env.SGDSCOPE_API_URL ?? 'http://127.0.0.1:4000';
    return [
      { source: '/graphql', destination: `${api}/graphql` },
      { source: '/export/:path*', destination: `${api}/export/:path*` },
    ];
  },
};

export default config;
