import Testing

/// Suites that run `cordon serve` processes beside heavy client programs (Python's
/// python-threatexchange, two replicas): one at a time, so a client's start-up on a
/// two-core machine never delays a replica past its one-second promise.
@Suite(.serialized) enum RealProcessTests {}
