import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SchemaForm } from './SchemaForm';

const schema = {
  type: 'object',
  properties: {
    a: { type: 'number', description: 'The first addend' },
    count: { type: 'integer' },
    mode: { enum: ['fast', 'slow'] },
    loud: { type: 'boolean' },
    text: { type: ['string', 'null'] },
    extra: { type: 'object' },
  },
  required: ['a'],
};

describe('SchemaForm', () => {
  it('gives every property a labelled control of the right kind', () => {
    render(<SchemaForm schema={schema} submitLabel="Invoke" onSubmit={vi.fn()} />);

    expect(screen.getByRole('textbox', { name: /^a \*/ })).toHaveAccessibleDescription('The first addend');
    expect(screen.getByRole('combobox', { name: /mode/ })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /loud/ })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /extra/ }).tagName).toBe('TEXTAREA');
  });

  it('submits typed arguments: numbers as numbers, enums as their values, JSON parsed', async () => {
    const onSubmit = vi.fn();
    render(<SchemaForm schema={schema} submitLabel="Invoke" onSubmit={onSubmit} />);

    await userEvent.type(screen.getByRole('textbox', { name: /^a \*/ }), '2.5');
    await userEvent.type(screen.getByRole('textbox', { name: /count/ }), '7');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: /mode/ }), 'slow');
    await userEvent.click(screen.getByRole('checkbox', { name: /loud/ }));
    await userEvent.type(screen.getByRole('textbox', { name: /extra/ }), '{{"k": [[1]}');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));

    expect(onSubmit).toHaveBeenCalledWith({ a: 2.5, count: 7, mode: 'slow', loud: true, extra: { k: [1] } });
  });

  it('does not submit while a required field is empty or a number is not one', async () => {
    const onSubmit = vi.fn();
    render(<SchemaForm schema={schema} submitLabel="Invoke" onSubmit={onSubmit} />);

    await userEvent.type(screen.getByRole('textbox', { name: /count/ }), '1.5');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('textbox', { name: /^a \*/ })).toBeInvalid();
    expect(screen.getByText('Required.')).toBeInTheDocument();
    expect(screen.getByText('Must be a whole number.')).toBeInTheDocument();
  });
});
