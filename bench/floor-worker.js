// The floor: the least a worker can do for this job — pass the body to the upstream, return its answer.
export default {
  async fetch(request, env) {
    return fetch(`${env.UPSTREAM}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request.body,
    });
  },
};
