import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { ApiError } from '../api/problem';
import { ProblemAlert } from './ProblemAlert';

describe('ProblemAlert', () => {
  it('shows the title, the detail and each field message with its JSON pointer', () => {
    const error = new ApiError(422, {
      title: 'Unknown tools',
      detail: 'Every tool an agent lists must exist.',
      errors: { '/tools/0': ["No tool named 'nope'."], '/tools/1': ["No tool named 'nada'."] },
    });
    render(<ProblemAlert error={error} />);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Unknown tools');
    expect(alert).toHaveTextContent('Every tool an agent lists must exist.');
    const items = within(screen.getByRole('list', { name: 'Field errors' })).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual(["/tools/0 No tool named 'nope'.", "/tools/1 No tool named 'nada'."]);
  });

  it('renders a non-API failure readably', () => {
    render(<ProblemAlert error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Something went wrongFailed to fetch');
  });
});
