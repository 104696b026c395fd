/** Errors the simulator answers with, in the contract's `{ error: { code, message } }` shape. */
export class SimulatorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

export const badRequest = (message: string) => new SimulatorError(400, 'BadRequest', message);
export const notFound = (message: string) => new SimulatorError(404, 'NotFound', message);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
