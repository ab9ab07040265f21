import { ApiError } from '../lib/api';

/** What a page shows when the API refuses or is down: the reason in words, and what to do next. */
export function ErrorState({ error }: { error: unknown }) {
  const code = error instanceof ApiError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'UNAUTHENTICATED'
      ? 'Sign in with an API key to see this page.'
      : code === 'FORBIDDEN'
        ? 'You are not a member of this project. Ask a project admin to invite you.'
        : code === 'NOT_FOUND'
          ? 'Check the link: nothing exists under this id.'
          : code === 'UNAVAILABLE'
            ? 'Start the platform with `npm start`, or set SGDSCOPE_API_URL.'
            : null;
  return (
    <div role="alert" className="error-state" data-error-code={code ?? 'ERROR'}>
      <h2>
        {code === 'FORBIDDEN' ? 'Access denied' : code === 'NOT_FOUND' ? 'Not found' : 'Something went wrong'}
      </h2>
      <p>{message}</p>
      {hint ? <p>{hint}</p> : null}
      {code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? <a href="/signin">Sign in</a> : null}
    </div>
  );
}
