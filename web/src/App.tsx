import { lazy, Suspense } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AuthProvider, useAuth } from './auth/AuthProvider';
import { SignInPage } from './auth/SignInPage';
import { Layout } from './components/Layout';
import { OverviewPage } from './pages/overview/OverviewPage';
import { AgentsPage } from './pages/agents/AgentsPage';
import { ToolsPage } from './pages/tools/ToolsPage';
import { ToolDetailPage } from './pages/tools/ToolDetailPage';
import { TasksPage } from './pages/tasks/TasksPage';
import { TaskPage } from './pages/tasks/TaskPage';
import { LiveLogsPage } from './pages/logs/LiveLogsPage';

// Monaco is large: it loads only when someone opens the task editor.
const NewTaskPage = lazy(() => import('./pages/tasks/NewTaskPage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A problem answer (4xx) will not change on a retry; a network blip might.
      retry: (count, error) => count < 2 && !(error && 'status' in error && Number(error.status) < 500),
      refetchOnWindowFocus: false,
    },
  },
});

function Routed() {
  const { me, checking } = useAuth();
  if (checking) return <p role="status">Checking your session…</p>;
  if (!me) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<OverviewPage />} />
        <Route path="agents" element={<AgentsPage />} />
        <Route path="tools" element={<ToolsPage />} />
        <Route path="tools/:name" element={<ToolDetailPage />} />
        <Route path="tasks" element={<TasksPage />} />
        <Route
          path="tasks/new"
          element={
            <Suspense fallback={<p role="status">Loading the editor…</p>}>
              <NewTaskPage />
            </Suspense>
          }
        />
        <Route path="tasks/:id" element={<TaskPage />} />
        <Route path="logs" element={<LiveLogsPage />} />
        <Route path="*" element={<p>There is no page here.</p>} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <BrowserRouter>
          <Routed />
        </BrowserRouter>
      </AuthProvider>
    </QueryClientProvider>
  );
}
