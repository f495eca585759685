// Every bound of the identity and governance contracts, with its unit last. They are chain rules:
// every node checks them identically, and each keeps one state value under the 64 KiB limit.

export const governanceLimits = {
  /** Agencies ever recorded (removed ones stay, for history); 256 ids of ≤128 bytes fit a value. */
  agenciesMax: 256,
  /** Agency identifier, all parts and slashes together. */
  agencyIdBytesMax: 128,
  agencyNameBytesMax: 256,
  /** A CA certificate in PEM form. */
  caCertBytesMax: 8 * 1024,
  /** Issuers above an agency CA up to its PKI's root (e.g. provincial CA, national root). */
  caChainCertificatesMax: 4,
  /** Nodes an agency declares at once. */
  agencyNodesMax: 16,
  nodeNameBytesMax: 64,
  /** An agency's voting weight when a policy is weighted. */
  agencyWeightMax: 1_000_000,
  /** Non-revoked members listed per agency. */
  membersPerAgencyMax: 2_000,
  roleNamesPerMemberMax: 16,
  officialIdBytesMax: 64,
  /** Proposal texts: why, and under which law or regulation. */
  reasonBytesMax: 2 * 1024,
  legalBasisBytesMax: 2 * 1024,
  /** An encoded proposal payload (the VM's deploy payload carries a hash, not the source). */
  payloadBytesMax: 16 * 1024,
  /** How far ahead a proposal's voting deadline may be, and the shortest window. */
  proposalWindowHeightsMax: 200_000,
  proposalWindowHeightsMin: 1,
  /** Proposals open at once; each propose and vote sweeps them for expiry. */
  openProposalsMax: 64,
  /** Expired proposals closed by one transaction's sweep (each emits an event). */
  expirySweepProposalsMax: 16,
  /** Proposals returned by one list query. */
  proposalListMax: 100,
  /** Agencies named by a LIST policy, and the largest N or fraction denominator. */
  policyAgenciesMax: 32,
  policyDenominatorMax: 1_000_000,
  /** Validator schedule entries kept in state (older ones stay readable at past heights). */
  validatorScheduleEntriesMax: 16,
  validatorsMax: 128,
  /** Validator power, bounded so that 3 × total power stays a safe integer. */
  validatorPowerMax: 1_000_000_000,
  /** Heights after a validator change's execution at which the new set signs. */
  validatorDelayHeights: 2,
} as const;
