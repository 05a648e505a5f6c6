import { describe, expect, it } from 'vitest';
import { healthColour } from './status';

describe('healthColour', () => {
  it('gives each health word its own colour', () => {
    const colours = new Set(['healthy', 'degraded', 'unhealthy'].map(healthColour));
    expect(colours.size).toBe(3);
  });

  it('treats an unknown word as unhealthy', () => {
    expect(healthColour('on fire')).toBe(healthColour('unhealthy'));
  });
});
