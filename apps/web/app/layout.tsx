import type { ReactNode } from 'react';
import './globals.css';

export const metadata = {
  title: 'sgdscope',
  description:
    'Browse and compare SGD trajectories, diffusion exponents, heavy tails, escape rates and phases.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            sgdscope
          </a>
          <nav aria-label="Main">
            <a href="/">Runs</a>
            <a href="/graphql">API explorer</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
