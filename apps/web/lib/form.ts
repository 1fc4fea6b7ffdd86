/**
 * Reads a state-changing route's form, answering a client's mistake as one: 415 for a body that
 * is not a form (text/plain, JSON), 400 for a form that does not parse (broken multipart). Next's
 * `request.formData()` throws on both, which a route that awaits it turns into a 500.
 */
import { NextResponse, type NextRequest } from 'next/server';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

export async function readForm(request: NextRequest): Promise<FormData | NextResponse> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) {
    return new NextResponse('Unsupported Media Type: send the form (application/x-www-form-urlencoded or multipart/form-data)', {
      status: 415,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  try {
    return await request.formData();
  } catch {
    return new NextResponse('Bad Request: the form could not be read', {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
}
