// 动态监测: the names the alert pages show for the API's codes (docs/api.md, 动态监测).
export const RULES = [
  { code: 'death', name: '保障对象死亡' },
  { code: 'assets', name: '保障家庭财产超限' },
  { code: 'medical', name: '未受助家庭医疗自付高' },
  { code: 'disability', name: '新办一二级残疾证' },
  { code: 'age', name: '年满高龄' },
  { code: 'edge_unemployed', name: '低保边缘家庭成员失业' },
  { code: 'taper_end', name: '渐退期将满' },
]

export const STATES = [
  { code: 'open', name: '未办结' },
  { code: 'triage', name: '待研判' },
  { code: 'visiting', name: '待入户核实' },
  { code: 'disposing', name: '待处置' },
  { code: 'disposed', name: '已处置' },
  { code: 'dismissed', name: '已排除' },
]

export const OUTCOMES = [
  { code: 'assistance', name: '已纳入救助帮扶' },
  { code: 'case', name: '已按事项办理' },
  { code: 'referral', name: '已转相关部门' },
  { code: 'no_action', name: '核实无需处置' },
]

// The actions each state allows (POST /alerts/{id}/actions).
export const ACTIONS = {
  triage: [{ action: 'triage', name: '研判', type: 'primary' }, { action: 'dismiss', name: '排除', type: 'default' }],
  visiting: [{ action: 'visit', name: '入户核实', type: 'primary' }, { action: 'dismiss', name: '排除', type: 'default' }],
  disposing: [{ action: 'dispose', name: '处置', type: 'primary' }],
}

export const STATE_TAG = { triage: 'danger', visiting: 'warning', disposing: 'warning', disposed: 'success', dismissed: 'info' }

const DETAIL_NAMES = {
  death_date: '死亡日期',
  class: '超限类别',
  count: '数量',
  limit: '上限',
  out_of_pocket_fen: '个人自付（元）',
  threshold_fen: '预警线（元）',
  months: '统计期（月）',
  stays: '就诊次数',
  since: '统计起始日',
  grade: '残疾等级',
  kind: '残疾类别',
  issued_on: '发证日期',
  birth_date: '出生日期',
  age: '年龄',
  turned_on: '年满日期',
  benefit_from: '失业金领取开始',
  benefit_until: '失业金领取结束',
  monthly_benefit_fen: '月失业保险金（元）',
  taper_last_month: '渐退最后一个月',
}
const CLASS_NAMES = { vehicle: '机动车辆', housing: '住房', business: '经营主体及经营性房产' }

// The detail object as [label, text] rows; money in yuan.
export function detailRows(detail) {
  return Object.entries(detail || {}).map(([k, v]) => {
    let text = v
    if (k.endsWith('_fen') && typeof v === 'number') text = (v / 100).toFixed(2)
    if (k === 'class') text = CLASS_NAMES[v] || v
    return [DETAIL_NAMES[k] || k, text === '' || text == null ? '—' : String(text)]
  })
}

export const fen = (v) => (v == null ? '—' : (v / 100).toFixed(2))
