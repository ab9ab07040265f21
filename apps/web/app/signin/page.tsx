import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { KEY_COOKIE } from '../../lib/api';

/** Sign-in with an API key: the key goes into an httpOnly cookie the server forwards to the API. */
async function signIn(form: FormData) {
  'use server';
  const key = String(form.get('key') ?? '').trim();
  const jar = await cookies();
  if (key) jar.set(KEY_COOKIE, key, { httpOnly: true, sameSite: 'lax', path: '/' });
  else jar.delete(KEY_COOKIE);
  redirect('/');
}

export default function SignIn() {
  return (
    <section>
      <h1>Sign in</h1>
      <p>
        Paste an API key (create one with the `createApiKey` mutation, or use the demo key `npm start`
        prints).
      </p>
      <form action={signIn}>
        <label htmlFor="key">API key</label>{' '}
        <input id="key" name="key" type="password" autoComplete="off" size={48} />{' '}
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
