/** The Redis client library, a file of its own in the build: only setups with `redis_url` load it. */
import Redis from 'ioredis';

export { Redis };
