import { describe, expect, it } from 'vitest';
import { withoutInputText } from './without-input-text.js';

describe('withoutInputText', () => {
  it('cuts a quoted input, whole or in part, out of a provider message', () => {
    const text = 'Patient Jane Roe, born 1970-01-02, asked about her refund.';
    expect(withoutInputText(`refused the input (400): Invalid input '${text}'`, text)).toBe(
      "refused the input (400): Invalid input '…'",
    );
    expect(withoutInputText(`bad token near "born 1970-01-02, ask" in input 3`, text)).toBe(
      'bad token near "…" in input 3',
    );
  });

  it('keeps a reason that quotes nothing of the input', () => {
    expect(withoutInputText('rate limited (429)', 'some text of the row')).toBe(
      'rate limited (429)',
    );
  });

  it('cuts a short input when it appears whole', () => {
    expect(withoutInputText("input 'Jane' is not allowed", 'Jane')).toBe(
      "input '…' is not allowed",
    );
  });
});
