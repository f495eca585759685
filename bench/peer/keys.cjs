// Deterministic sender keys for the peer benchmark (test keys: never hold value anywhere).
const sendersTotal = Number(process.env.ZW_PEER_SENDERS ?? 64);

function accountKeys() {
  return Array.from({ length: sendersTotal },
    (_, i) => `0x${(0x1000 + i).toString(16).padStart(64, '0')}`);
}

module.exports = { accountKeys, balanceWei: '1000000000000000000000000' };
