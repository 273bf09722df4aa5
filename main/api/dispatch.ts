import { ApiError, type ApiHandlers, type MethodName, type ResponseOf } from '../../shared/api/contract.js';

/**
 * Calls one handler for either transport. Errors that are not ApiErrors become `internal` with their
 * message, so the UI always shows something readable instead of a blank screen.
 */
export async function callHandler<M extends MethodName>(
  handlers: ApiHandlers,
  method: M,
  request: unknown,
): Promise<ResponseOf<M>> {
  const handler = handlers[method] as (request: unknown) => Promise<ResponseOf<M>>;
  try {
    return await handler(request);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const fix = (error as { fix?: unknown }).fix;
    throw new ApiError('internal', error instanceof Error ? error.message : String(error), typeof fix === 'string' ? fix : undefined);
  }
}
