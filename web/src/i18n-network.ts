// Strings of the network page's chart and signing history, the explorer's search, member
// management, the data authority's queue and the provider's revoke/disable actions, in Chinese
// and English, merged into the portal's resources by i18n.ts. The English object is typed after
// the Chinese one, so a key missing from either language is a type error.
export const networkZh = {
  chain: {
    windowTotal: '近 5 分钟共 {{count}} 笔，平均 {{average}} 笔/秒，峰值 {{peak}} 笔/秒',
    chartLabel: '近 5 分钟每 10 秒的每秒交易数，共 {{count}} 笔',
    barTitle: '{{time}} 起 10 秒：{{count}} 笔（{{rate}} 笔/秒）',
    minutesAgo: '{{minutes}} 分钟前', now: '现在',
    idle: '近 5 分钟没有提交交易；网络每 10 秒出一个空块以示存活。',
    historyHint: '每格一个区块，最近 {{count}} 个，左旧右新', unknownAgency: '未知机构',
    power: '投票权 {{power}}（{{share}}%）', signedOf: '签署 {{signed}}/{{count}}',
    signedAt: '高度 {{height}}：已签署', missedAt: '高度 {{height}}：未签署',
    unknownAt: '高度 {{height}}：签名加载中', signed: '已签署', missed: '未签署',
    connectedSince: '连接时间',
  },
  search: {
    placeholder: '高度、交易哈希、地址、机构或合约',
    invalid: '无法识别：请输入区块高度、64 位交易哈希、40 位地址、机构名称或合约名称（如 notary）。',
    contracts: '合约：', byAgency: '按机构查看…', ok: '成功', call: '调用', sender: '发送方',
    signers: '签署的验证节点', scanned: '已搜索高度 {{from}}–{{to}}', older: '搜索更早的区块',
    noTxs: '所搜索的区块中没有符合条件的交易。', recentTxs: '最近交易',
    txsOfContract: '合约 {{contract}} 的交易', txsOfAgency: '{{agency}} 成员发送的交易',
    txsOfAddress: '该地址发送的交易', address: '账户', notMember: '不属于任何成员机构',
    previous: '上一个', next: '下一个', index: '第 {{index}} 笔',
    proofDetail: '回执已在本浏览器中通过 Merkle 证明与高度 {{height}} 的区块头核对，'
      + '该区块头由验证节点签署（签名已校验）。',
    noProof: '被拒绝的交易未上链，没有证明。',
    txMissing: '本节点不知道哈希为 {{hash}} 的交易：它可能从未提交，或已过期被丢弃。',
  },
  members: {
    title: '本机构成员', hint: '登记、暂停、恢复、撤销成员或更换其密钥。每项操作都是由您签名的链上交易。',
    empty: '本机构还没有登记成员（根管理员密钥不在此列）。', register: '登记新成员',
    publicKey: '成员公钥（十六进制）', publicKeyHint: '{{digits}} 位十六进制',
    orKeystore: '或选择成员的密钥文件（只读取其中的公钥，不解密私钥）', roles: '角色',
    customRoles: '其他角色，逗号分隔', officialId: '工号', validFrom: '生效高度',
    validUntil: '失效高度', now: '立即', noEnd: '长期', validity: '有效期（区块高度）',
    heights: '{{from}} – {{until}}', actions: '操作', validityShort: '有效期', self: '本人',
    registerSubmit: '签名并登记',
    registered: '已登记成员：', suspend: '暂停', reinstate: '恢复', revoke: '撤销',
    revokeConfirm: '撤销不可恢复，确认？', keep: '取消', rotate: '更换密钥',
    newKey: '新公钥（十六进制）', rotateSubmit: '签名并更换',
    errors: {
      keyRequired: '请填写公钥或选择密钥文件。',
      keyLength: '公钥应为 {{bytes}} 字节，即 {{digits}} 位十六进制。',
      notKeystore: '该文件不是密钥文件（没有公钥）。', rolesRequired: '请至少选择一个角色。',
      rolesMax: '最多 {{max}} 个角色。',
      roleForm: '角色名为 2–32 个小写字母、数字或“-”，以字母开头。',
      height: '请输入区块高度（非负整数）。', untilBeforeFrom: '失效高度不能早于生效高度。',
    },
  },
  authority: {
    title: '数据主管部门待裁决申请',
    hint: '不予共享的资源申请，以及提供部门逾期未答复的申请，由数据主管部门裁决：同意全部或部分数据项，或说明理由驳回。',
    empty: '当前没有待裁决的申请。',
    notAuthority: '只有数据主管部门（{{agency}}）具有“data-authority”角色的成员可以裁决。',
    between: '{{requester}} 申请 {{provider}} 的资源（{{type}}）',
  },
  provider: {
    reason: '理由（将记录在链上）', revoke: '撤销授权', revokeConfirm: '签名并撤销',
    disable: '停用条目', disableConfirm: '签名并停用',
  },
};

export const networkEn: typeof networkZh = {
  chain: {
    windowTotal: '{{count}} in the last 5 minutes, {{average}} tx/s on average, peak '
      + '{{peak}} tx/s',
    chartLabel: 'Transactions per second in 10-second steps over the last 5 minutes, '
      + '{{count}} in all',
    barTitle: '10 s from {{time}}: {{count}} ({{rate}} tx/s)',
    minutesAgo: '{{minutes}} min ago', now: 'now',
    idle: 'No transactions in the last 5 minutes; the network makes an empty block every '
      + '10 seconds to show it is alive.',
    historyHint: 'One square per block, the latest {{count}}, oldest on the left',
    unknownAgency: 'Unknown agency', power: 'power {{power}} ({{share}}%)',
    signedOf: 'signed {{signed}}/{{count}}', signedAt: 'Height {{height}}: signed',
    missedAt: 'Height {{height}}: not signed', unknownAt: 'Height {{height}}: loading',
    signed: 'Signed', missed: 'Missed', connectedSince: 'Connected since',
  },
  search: {
    placeholder: 'Height, transaction hash, address, agency or contract name',
    invalid: 'Not recognised: enter a block height, a 64-hex transaction hash, a 40-hex '
      + 'address, an agency name or a contract name (e.g. notary).',
    contracts: 'Contracts:', byAgency: 'By agency…', ok: 'ok', call: 'Call', sender: 'Sender',
    signers: 'Signed by', scanned: 'Searched heights {{from}}–{{to}}',
    older: 'Search older blocks', noTxs: 'No matching transactions in the blocks searched.',
    recentTxs: 'Recent transactions', txsOfContract: 'Transactions of contract {{contract}}',
    txsOfAgency: 'Transactions sent by members of {{agency}}',
    txsOfAddress: 'Transactions sent by this address', address: 'Account',
    notMember: 'Not a member of any agency', previous: 'Previous', next: 'Next',
    index: 'transaction {{index}}',
    proofDetail: 'The receipt was checked in this browser with a Merkle proof against the '
      + 'header of height {{height}}, whose validator signatures were verified.',
    noProof: 'A rejected transaction is not on chain and has no proof.',
    txMissing: 'This node knows no transaction {{hash}}: it was never submitted, or it expired '
      + 'and was dropped.',
  },
  members: {
    title: 'Your agency\'s members',
    hint: 'Register, suspend, reinstate or revoke members, or move them to a new key. Each is '
      + 'a transaction you sign.',
    empty: 'Your agency has no registered members yet (the root admin key is not listed).',
    register: 'Register a member', publicKey: 'Member\'s public key (hex)',
    publicKeyHint: '{{digits}} hex digits',
    orKeystore: 'or choose the member\'s keystore file (only its public key is read; the '
      + 'private key stays encrypted)',
    roles: 'Roles', customRoles: 'Other roles, comma-separated', officialId: 'Official id',
    validFrom: 'Valid from height', validUntil: 'Valid until height', now: 'now',
    noEnd: 'no end', validity: 'Validity (heights)', heights: '{{from}} – {{until}}',
    validityShort: 'Valid', self: 'You',
    actions: 'Actions', registerSubmit: 'Sign and register', registered: 'Registered member:',
    suspend: 'Suspend', reinstate: 'Reinstate', revoke: 'Revoke',
    revokeConfirm: 'Revoking cannot be undone. Sure?', keep: 'Cancel', rotate: 'New key',
    newKey: 'New public key (hex)', rotateSubmit: 'Sign and move',
    errors: {
      keyRequired: 'Enter the public key or choose a keystore file.',
      keyLength: 'A public key is {{bytes}} bytes: {{digits}} hex digits.',
      notKeystore: 'This file is not a keystore (it has no public key).',
      rolesRequired: 'Choose at least one role.', rolesMax: 'At most {{max}} roles.',
      roleForm: 'A role is 2-32 lower-case letters, digits or "-", starting with a letter.',
      height: 'Enter a block height (a whole number).',
      untilBeforeFrom: 'The last height cannot come before the first.',
    },
  },
  authority: {
    title: 'Requests escalated to the data authority',
    hint: 'Requests for NOT_SHARED entries, and requests the provider left unanswered past '
      + 'their deadline, are decided by the data authority: approve all or some items, or '
      + 'reject with a reason.',
    empty: 'No requests await your decision.',
    notAuthority: 'Only members of the data authority ({{agency}}) holding the '
      + '"data-authority" role decide these.',
    between: '{{requester}} asks for an entry of {{provider}} ({{type}})',
  },
  provider: {
    reason: 'Reason (recorded on chain)', revoke: 'Revoke grant', revokeConfirm: 'Sign and revoke',
    disable: 'Disable entry', disableConfirm: 'Sign and disable',
  },
};
