import { describe, expect, it } from 'vitest';
import { parseResponse } from '../src/parse.js';
import { renderError } from '../src/render.js';

describe('renderError with an HTTP-layer status', () => {
  it('sends the given status as the HTTP status and the body code, keeping the catalog status', () => {
    const rendered = renderError('INVALID_ARGUMENT', { httpStatus: 413, message: 'The body is too large.' });
    expect(rendered.httpStatus).toBe(413);
    expect(rendered.body).toEqual({
      error: {
        code: 413,
        message: 'The body is too large.',
        errors: [{ message: 'The body is too large.', domain: 'global', reason: 'invalid' }],
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it('reads back as the catalog code it was rendered from', async () => {
    const rendered = renderError('INVALID_ARGUMENT', { httpStatus: 431, message: 'Too many header bytes.' });
    const error = await parseResponse(new Response(JSON.stringify(rendered.body), { status: rendered.httpStatus }));
    expect([error.code, error.httpStatus, error.status]).toEqual(['INVALID_ARGUMENT', 431, 'INVALID_ARGUMENT']);
  });
});
