// Every string the portal shows goes through i18next. Chinese (zh-CN) is the default; English is
// one click away and the choice is remembered in the browser.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const zh = {
  app: { title: '政务链', subtitle: '政务区块链门户', language: 'English' },
  nav: {
    network: '网络', explorer: '浏览器', governance: '机构与治理', verify: '文件核验',
    signIn: '登录',
  },
  common: {
    loading: '加载中…', error: '出错了', height: '高度', hash: '哈希', time: '时间',
    none: '无', yes: '是', no: '否', back: '返回',
  },
  network: {
    chain: '链标识', suite: '密码套件', suiteIntl: '国际算法 (Ed25519/SHA-256)',
    suiteGm: '国密算法 (SM2/SM3/SM4)', latestBlock: '最新区块', blockTime: '出块时间',
    throughput: '近几分钟每秒提交交易数', validators: '验证节点', power: '投票权',
    agency: '所属机构', address: '地址', signedLast: '签署最新区块', peers: '对等节点', direction: '方向',
    inbound: '入站', outbound: '出站', mempool: '待处理交易', node: '本节点',
    noPeers: '暂无连接的对等节点', txPerSecond: '笔/秒', peak: '峰值 {{value}} 笔/秒',
  },
  explorer: {
    search: '按区块高度或交易哈希搜索', go: '查询', recentBlocks: '最近区块', txs: '交易数',
    proposer: '提议者', block: '区块', tx: '交易', status: '状态', gas: '燃料',
    events: '事件', receipt: '回执', proof: '证明', proofOk: '已由验证节点签名的区块头证明',
    proofPending: '等待下一个区块签署结果', proofBad: '证明校验失败', notFound: '未找到',
    contract: '合约', method: '方法', committed: '已上链', pending: '待处理', rejected: '已拒绝',
    invalidQuery: '请输入区块高度（数字）或 64 位十六进制交易哈希',
    noTxs: '本区块没有交易',
  },
  verify: {
    title: '核验文件是否已存证', drop: '将文件拖到此处，或点击选择文件',
    hint: '文件只在本浏览器中计算哈希，不会上传。', computing: '正在计算哈希并校验证明…',
    notarized: '该文件已存证', notNotarized: '该文件未存证',
    absence: '已校验“不存在”证明（高度 {{height}}）：链上没有该文件的存证记录。',
    owner: '存证账户', atHeight: '存证区块', atTime: '存证时间', txHash: '交易哈希',
    meta: '附加信息', proofOk: '证明已在浏览器中通过 {{count}} 个验证节点的签名校验',
    documentHash: '文件哈希',
  },
  signin: {
    title: '成员登录', keystore: '密钥文件（keystore）', passphrase: '口令',
    hint: '选择您的密钥文件并输入口令。密钥只在本浏览器中解密并保存在内存中，'
      + '不会发送到任何地方；退出登录或关闭页面即清除。',
    submit: '登录', opening: '正在解密密钥…', signedIn: '当前登录', address: '账户地址',
    agency: '所属机构', roles: '角色', status: '成员状态', rootKey: '（机构根管理员密钥）',
    notMember: '该密钥不属于任何成员机构：可以浏览，但不能发起提案或投票。',
    memoryOnly: '私钥仅保存在本页面内存中，从未发送给节点。', signOut: '退出登录',
    toGovernance: '前往机构与治理', noAgency: '非成员',
  },
  roles: {
    admin: '管理员', operator: '运维人员', staff: '工作人员', auditor: '审计员',
    'validator-operator': '验证节点运维',
  },
  status: {
    active: '正常', suspended: '已暂停', removed: '已移除', revoked: '已撤销',
    open: '表决中', approved: '已通过（未执行）', rejected: '已否决', expired: '已过期',
    executed: '已执行',
  },
  governance: {
    agencies: '成员机构', agency: '机构', status: '状态', weight: '权重', nodes: '节点',
    addedHeight: '加入高度', fullNode: '全节点', validatorPower: '验证节点 · 投票权 {{power}}',
    noAgencies: '链上还没有成员机构', open: '待表决的提案', recent: '近期提案',
    noOpen: '当前没有待表决的提案', noRecent: '还没有已结束的提案',
    reason: '理由', legalBasis: '法律依据', proposer: '提议机构', atHeight: '高度 {{height}}',
    policy: '表决规则', deadline: '截止高度',
    deadlineOpen: '{{height}}（还剩 {{left}} 个区块）', outcome: '结果',
    executedAt: '已在高度 {{height}} 执行', closedAt: '已在高度 {{height}} 结束',
    executionFailed: '已通过，但未能执行：{{error}}', payload: '内容', id: '提案编号',
    vote: '表决', voter: '表决人', yes: '赞成', no: '反对', notVoted: '未表决',
    notCounted: '（非正常状态，不计票）', voteYes: '投赞成票', voteNo: '投反对票',
    youHaveNotVoted: '本机构尚未表决', youVotedYes: '本机构已投赞成票（可更改）',
    youVotedNo: '本机构已投反对票（可更改）', signing: '正在签名并提交…',
    signInToAct: '机构管理员登录后可发起提案和投票。',
    adminsOnly: '只有正常状态机构的管理员可以发起提案和投票。',
    proposeTitle: '发起提案', kind: '提案类型', deadlineBlocks: '表决期限（区块数）',
    payloadHint: 'JSON 对象；字节串写作十六进制字符串或 {"$bytes": "…"}。',
    submit: '提交提案', proposed: '提案已上链，状态：{{status}}',
  },
  kinds: {
    'add-agency': '接纳机构', 'suspend-agency': '暂停机构', 'reinstate-agency': '恢复机构',
    'remove-agency': '移除机构', 'rotate-agency-key': '更换机构管理员密钥',
    'add-validator': '增加验证节点', 'remove-validator': '移除验证节点',
    'set-validator-power': '调整验证节点投票权', 'set-params': '调整链参数',
    'deploy-contract': '部署合约', 'upgrade-contract': '升级合约', 'freeze-contract': '冻结合约',
    'unfreeze-contract': '解冻合约', 'set-policy': '修改表决规则',
  },
  policy: {
    ALL: '全部正常机构赞成', MAJORITY: '过半数正常机构赞成', ANY: '任一机构赞成',
    N_OF: '至少 {{n}} 个机构赞成', FRACTION: '至少 {{numerator}}/{{denominator}} 的正常机构赞成',
    LIST_ALL: '以下机构全部赞成：{{agencies}}', LIST_ANY: '以下机构之一赞成：{{agencies}}',
    weighted: '（按机构权重计）',
  },
  errors: {
    generic: '操作失败', detail: '详情',
    BAD_PASSPHRASE: '口令不正确，无法解密密钥文件。', BAD_KEY: '密钥文件已损坏或与其公钥不符。',
    MALFORMED: '文件或数据格式不正确（不是有效的密钥文件？）。',
    UNAUTHORIZED: '无权执行此操作：需要正常状态机构的管理员身份。',
    BAD_ARGUMENTS: '合约拒绝了提交的内容，请检查各字段。',
    INVALID_ARGUMENT: '提交的内容不符合要求，请检查各字段。', NOT_FOUND: '未找到请求的对象。',
    UNAVAILABLE: '暂时无法连接节点，请稍后重试。', CONTRACT_FAILED: '合约执行未成功。',
    TOO_LARGE: '内容超出链上限制。', NONCE_TOO_LOW: '交易序号已过期，请重试。',
    NONCE_TOO_HIGH: '交易序号超前，请稍后重试。', EXPIRED: '交易已过期，请重试。',
    DUPLICATE: '相同的交易已提交。', MEMPOOL_FULL: '节点繁忙，请稍后重试。',
    SENDER_QUOTA: '您待处理的交易过多，请稍后重试。', ALREADY_EXISTS: '该对象已存在。',
    OUT_OF_GAS: '交易燃料不足。', WRONG_CHAIN: '密钥或交易属于另一条链。',
    UNSUPPORTED_KEY: '不支持该类型的密钥。',
    wrongSuite: '该密钥使用 {{file}} 算法，而本链使用 {{chain}} 算法。',
    notSigningKey: '该文件是加密密钥，不是签名密钥。', noKeystore: '请选择密钥文件。',
    notKeystore: '该文件太大，不是密钥文件。', noPassphrase: '请输入口令。',
    payloadNotJson: '内容不是有效的 JSON。', payloadNotObject: '内容必须是 JSON 对象 {…}。',
    payloadInvalid: '内容无法编码：{{detail}}', required: '此项必填。',
    tooLong: '不能超过 {{bytes}} 字节。', deadlineRange: '请输入 {{min}} 到 {{max}} 之间的整数。',
  },
};

const en: typeof zh = {
  app: { title: 'Zhengwu', subtitle: 'Government blockchain portal', language: '中文' },
  nav: {
    network: 'Network', explorer: 'Explorer', governance: 'Agencies & governance',
    verify: 'Verify a document', signIn: 'Sign in',
  },
  common: {
    loading: 'Loading…', error: 'Something went wrong', height: 'Height', hash: 'Hash',
    time: 'Time', none: 'None', yes: 'Yes', no: 'No', back: 'Back',
  },
  network: {
    chain: 'Chain id', suite: 'Crypto suite', suiteIntl: 'International (Ed25519/SHA-256)',
    suiteGm: 'Chinese national (SM2/SM3/SM4)', latestBlock: 'Latest block',
    blockTime: 'Block time', throughput: 'Committed transactions per second, last minutes',
    validators: 'Validators', power: 'Power', agency: 'Agency', address: 'Address', signedLast: 'Signed last block',
    peers: 'Peers', direction: 'Direction', inbound: 'inbound', outbound: 'outbound',
    mempool: 'Pending transactions', node: 'This node', noPeers: 'No peers connected',
    txPerSecond: 'tx/s', peak: 'peak {{value}} tx/s',
  },
  explorer: {
    search: 'Search by block height or transaction hash', go: 'Search',
    recentBlocks: 'Recent blocks', txs: 'Transactions', proposer: 'Proposer', block: 'Block',
    tx: 'Transaction', status: 'Status', gas: 'Gas', events: 'Events', receipt: 'Receipt',
    proof: 'Proof', proofOk: 'Proven against a header signed by the validators',
    proofPending: 'Waiting for the next block to sign the result',
    proofBad: 'Proof does not verify', notFound: 'Not found', contract: 'Contract',
    method: 'Method', committed: 'committed', pending: 'pending', rejected: 'rejected',
    invalidQuery: 'Enter a block height (a number) or a 64-digit hex transaction hash',
    noTxs: 'This block has no transactions',
  },
  verify: {
    title: 'Check whether a document is notarized', drop: 'Drop a file here, or click to choose',
    hint: 'The file is hashed in this browser and never uploaded.',
    computing: 'Hashing the file and checking the proof…',
    notarized: 'This document is notarized', notNotarized: 'This document is not notarized',
    absence: 'Absence proof verified (height {{height}}): the chain holds no record of it.',
    owner: 'Notarized by', atHeight: 'Block', atTime: 'Time', txHash: 'Transaction',
    meta: 'Metadata', proofOk: 'Proof checked in this browser against {{count}} validators',
    documentHash: 'Document hash',
  },
  signin: {
    title: 'Member sign-in', keystore: 'Keystore file', passphrase: 'Passphrase',
    hint: 'Choose your keystore file and enter its passphrase. The key is decrypted in this '
      + 'browser and kept in memory only; it is never sent anywhere, and signing out or closing '
      + 'the page clears it.',
    submit: 'Sign in', opening: 'Decrypting the key…', signedIn: 'Signed in',
    address: 'Account address', agency: 'Agency', roles: 'Roles', status: 'Member status',
    rootKey: '(the agency\'s root admin key)',
    notMember: 'This key belongs to no member agency: you can browse, but not propose or vote.',
    memoryOnly: 'The private key is held in this page\'s memory only and was never sent to the '
      + 'node.',
    signOut: 'Sign out', toGovernance: 'Go to agencies & governance', noAgency: 'not a member',
  },
  roles: {
    admin: 'Administrator', operator: 'Operator', staff: 'Staff', auditor: 'Auditor',
    'validator-operator': 'Validator operator',
  },
  status: {
    active: 'active', suspended: 'suspended', removed: 'removed', revoked: 'revoked',
    open: 'open', approved: 'approved (not executed)', rejected: 'rejected', expired: 'expired',
    executed: 'executed',
  },
  governance: {
    agencies: 'Member agencies', agency: 'Agency', status: 'Status', weight: 'Weight',
    nodes: 'Nodes', addedHeight: 'Joined at', fullNode: 'full node',
    validatorPower: 'validator · power {{power}}', noAgencies: 'No member agencies on chain yet',
    open: 'Open proposals', recent: 'Recent proposals', noOpen: 'No proposals are open',
    noRecent: 'No proposals have closed yet', reason: 'Reason', legalBasis: 'Legal basis',
    proposer: 'Proposed by', atHeight: 'height {{height}}', policy: 'Policy',
    deadline: 'Deadline', deadlineOpen: 'height {{height}} ({{left}} blocks left)',
    outcome: 'Outcome', executedAt: 'Executed at height {{height}}',
    closedAt: 'Closed at height {{height}}',
    executionFailed: 'Approved, but could not be executed: {{error}}', payload: 'Payload',
    id: 'Proposal id', vote: 'Vote', voter: 'Cast by', yes: 'Yes', no: 'No',
    notVoted: 'not voted', notCounted: '(not active: not counted)', voteYes: 'Vote yes',
    voteNo: 'Vote no', youHaveNotVoted: 'Your agency has not voted',
    youVotedYes: 'Your agency voted yes (you may change it)',
    youVotedNo: 'Your agency voted no (you may change it)', signing: 'Signing and sending…',
    signInToAct: 'Agency administrators sign in to propose and vote.',
    adminsOnly: 'Only administrators of active agencies may propose and vote.',
    proposeTitle: 'New proposal', kind: 'Kind', deadlineBlocks: 'Voting window (blocks)',
    payloadHint: 'A JSON object; write byte strings as hex or {"$bytes": "…"}.',
    submit: 'Submit proposal', proposed: 'The proposal is on chain, status: {{status}}',
  },
  kinds: {
    'add-agency': 'Admit an agency', 'suspend-agency': 'Suspend an agency',
    'reinstate-agency': 'Reinstate an agency', 'remove-agency': 'Remove an agency',
    'rotate-agency-key': 'Rotate an agency admin key', 'add-validator': 'Add a validator',
    'remove-validator': 'Remove a validator', 'set-validator-power': 'Set validator power',
    'set-params': 'Change chain parameters', 'deploy-contract': 'Deploy a contract',
    'upgrade-contract': 'Upgrade a contract', 'freeze-contract': 'Freeze a contract',
    'unfreeze-contract': 'Unfreeze a contract', 'set-policy': 'Change a voting policy',
  },
  policy: {
    ALL: 'every active agency votes yes', MAJORITY: 'more than half of the active agencies',
    ANY: 'any one agency', N_OF: 'at least {{n}} agencies',
    FRACTION: 'at least {{numerator}}/{{denominator}} of the active agencies',
    LIST_ALL: 'all of: {{agencies}}', LIST_ANY: 'one of: {{agencies}}',
    weighted: ' (weighted by agency)',
  },
  errors: {
    generic: 'The operation failed', detail: 'Details',
    BAD_PASSPHRASE: 'Wrong passphrase: the keystore could not be decrypted.',
    BAD_KEY: 'The keystore is damaged or does not match its public key.',
    MALFORMED: 'The file or data is malformed (is it a keystore file?).',
    UNAUTHORIZED: 'Not allowed: this needs an administrator of an active agency.',
    BAD_ARGUMENTS: 'The contract refused what was sent; check the fields.',
    INVALID_ARGUMENT: 'What was sent is not valid; check the fields.',
    NOT_FOUND: 'Not found.', UNAVAILABLE: 'The node cannot be reached; try again shortly.',
    CONTRACT_FAILED: 'The contract did not complete the operation.',
    TOO_LARGE: 'This exceeds a chain limit.', NONCE_TOO_LOW: 'Stale transaction number; try again.',
    NONCE_TOO_HIGH: 'Transaction number ahead of the chain; try again shortly.',
    EXPIRED: 'The transaction expired; try again.', DUPLICATE: 'This transaction was already sent.',
    MEMPOOL_FULL: 'The node is busy; try again shortly.',
    SENDER_QUOTA: 'You have too many pending transactions; try again shortly.',
    ALREADY_EXISTS: 'This already exists.', OUT_OF_GAS: 'The transaction ran out of gas.',
    WRONG_CHAIN: 'The key or transaction belongs to another chain.',
    UNSUPPORTED_KEY: 'This kind of key is not supported.',
    wrongSuite: 'This key uses the {{file}} suite but this chain uses {{chain}}.',
    notSigningKey: 'This file holds an encryption key, not a signing key.',
    noKeystore: 'Choose a keystore file.', notKeystore: 'This file is too large to be a keystore.',
    noPassphrase: 'Enter the passphrase.', payloadNotJson: 'The payload is not valid JSON.',
    payloadNotObject: 'The payload must be a JSON object {…}.',
    payloadInvalid: 'The payload cannot be encoded: {{detail}}', required: 'Required.',
    tooLong: 'At most {{bytes}} bytes.',
    deadlineRange: 'Enter a whole number from {{min}} to {{max}}.',
  },
};

const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('zw.language');

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: stored ?? 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function switchLanguage(): void {
  const next = i18next.language === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('zw.language', next);
  void i18next.changeLanguage(next);
  document.documentElement.lang = next;
}

export default i18next;
