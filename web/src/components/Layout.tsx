import { NavLink, Outlet } from 'react-router';
import { useAuth } from '../auth/AuthProvider';

const links = [
  ['/', 'Overview'],
  ['/agents', 'Agents'],
  ['/tools', 'Tools'],
  ['/tasks', 'Tasks'],
  ['/logs', 'Live logs'],
] as const;

export function Layout() {
  const { me, signOut } = useAuth();
  return (
    <div className="layout">
      <header className="topbar">
        <span className="brand">Agent Orchestration</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === '/'}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who" aria-label="Signed in as">
          {me?.role}
          {me?.agentName ? ` · ${me.agentName}` : ''}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
