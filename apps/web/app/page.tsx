import { ErrorState } from '../components/ErrorState';
import { gql } from '../lib/api';
import { PROJECTS } from '../lib/queries';

export const dynamic = 'force-dynamic';

interface Project {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  role: string;
}

export default async function Home() {
  let projects: Project[];
  try {
    projects = (await gql<{ projects: Project[] }>(PROJECTS)).projects;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  return (
    <section>
      <h1>Projects</h1>
      {projects.length === 0 ? (
        <p className="empty">
          You are not a member of any project yet. <a href="/signin">Sign in</a> with another key, or create
          one through the API.
        </p>
      ) : (
        <ul className="cards">
          {projects.map((p) => (
            <li key={p.id}>
              <a href={`/projects/${p.id}`}>
                <strong>{p.name}</strong>
              </a>{' '}
              <span className="badge">{p.role.toLowerCase()}</span>
              {p.description ? <p>{p.description}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
