import { ErrorState } from '../components/ErrorState';
import { gql } from '../lib/api';
import { ProjectsDocument, type ProjectsQuery } from '../lib/generated';

export const dynamic = 'force-dynamic';

export default async function Home() {
  let projects: ProjectsQuery['projects'];
  try {
    projects = (await gql(ProjectsDocument)).projects;
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
