/** The managed-identity token broker (App Service protocol on loopback) and its token sources. */
export {
  startBroker,
  decide,
  isLoopbackAddress,
  scopeOf,
  BROKER_API_VERSION,
  type Broker,
  type BrokerOptions,
  type BrokerRequestRecord,
  type BrokerToken,
  type BrokerTokenRequest,
  type BrokerTokenSource,
  type BrokerDecision,
} from './broker';
export { credentialTokenSource } from './sources';
