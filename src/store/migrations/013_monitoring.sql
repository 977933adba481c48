-- 低收入人口动态监测 and 主动发现 (src/systems/assistance/monitor.h): the
-- monitoring rules' tunables as policy parameters of the program 'monitor'
-- (so each is set per region prefix and effective date, audited, in the
-- policy editor), and the alerts the rules raise with their workflow.
--
-- An alert names its rule, its subject (a person and/or a household), the
-- village it belongs to and the level it is routed to (township or county).
-- dedupe_key (rule + subject + the evidence or date that raised it) is
-- unique: running the rules again raises nothing twice.  State: triage
-- (待研判) → visiting (待入户核实) → disposing (待处置) → disposed (已处置),
-- or dismissed (已排除) from triage or visiting; every step keeps its time,
-- so the response times of each step can be measured.

CREATE TABLE monitor_alerts (
    id            {{pk}},
    rule          TEXT NOT NULL,
    dedupe_key    TEXT NOT NULL UNIQUE,
    person_id     BIGINT REFERENCES persons(id),
    household_id  BIGINT REFERENCES households(id),
    region_code   TEXT NOT NULL REFERENCES regions(code),   -- the subject's village
    route_level   TEXT NOT NULL CHECK (route_level IN ('township', 'county')),
    candidate     TEXT NOT NULL,                            -- what the alert proposes
    evidence_id   BIGINT REFERENCES evidence_records(id),  -- the record that raised it, if one did
    evidence_as_of TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',               -- JSON: the facts the rule saw
    state         TEXT NOT NULL CHECK (state IN ('triage', 'visiting', 'disposing', 'disposed',
                                                 'dismissed')),
    case_id       BIGINT REFERENCES cases(id),             -- the case the run or the disposal opened
    enrollment_id BIGINT REFERENCES enrollments(id),
    outcome       TEXT,
    triage_note   TEXT,
    visit_note    TEXT,
    disposal_note TEXT,
    created_at    TEXT NOT NULL,
    triaged_at    TEXT,
    visited_at    TEXT,
    closed_at     TEXT,
    updated_at    TEXT NOT NULL
);
CREATE INDEX monitor_alerts_region ON monitor_alerts(region_code, state);
CREATE INDEX monitor_alerts_rule ON monitor_alerts(rule, state);

INSERT INTO policy_catalog (program, param, unit, min_value, max_value, allowed, name, source, sort) VALUES
  ('monitor', 'death_enabled', 'int', 0, 1, NULL, '规则·保障对象死亡（1 启用，0 停用）', 'C; P ch.3 §1', 1),
  ('monitor', 'assets_enabled', 'int', 0, 1, NULL, '规则·保障家庭车辆房产经营超限（1 启用，0 停用）', 'A Art 14; P ch.3 §1', 2),
  ('monitor', 'medical_enabled', 'int', 0, 1, NULL, '规则·未受助家庭医疗自付高（1 启用，0 停用）', 'G; H; P ch.3 §1', 3),
  ('monitor', 'disability_enabled', 'int', 0, 1, NULL, '规则·新办一二级残疾证（1 启用，0 停用）', 'RULES §8', 4),
  ('monitor', 'age_enabled', 'int', 0, 1, NULL, '规则·年满高龄（1 启用，0 停用）', 'RULES §6', 5),
  ('monitor', 'edge_unemployed_enabled', 'int', 0, 1, NULL, '规则·低保边缘家庭成员登记失业（1 启用，0 停用）', 'A Art 8; C', 6),
  ('monitor', 'taper_end_enabled', 'int', 0, 1, NULL, '规则·渐退期将满（1 启用，0 停用）', 'A Art 33', 7),
  ('monitor', 'business_limit', 'int', 0, 10, NULL, '保障家庭存续经营主体上限（个）', 'A Art 14', 10),
  ('monitor', 'medical_threshold', 'fen', 1, 10000000000, NULL, '医疗自付预警线（元，统计期内家庭合计）', 'G; H', 11),
  ('monitor', 'medical_months', 'int', 1, 24, NULL, '医疗自付统计期（月）', 'G', 12),
  ('monitor', 'disability_max_grade', 'int', 1, 4, NULL, '两项补贴预警残疾等级（不高于此级）', 'RULES §8', 13),
  ('monitor', 'disability_recent_days', 'int', 1, 3650, NULL, '新办残疾证认定期（发证后天数）', 'RULES §8', 14),
  ('monitor', 'elderly_age', 'int', 60, 120, NULL, '尊老金预警年龄（周岁）', 'RULES §6', 15),
  ('monitor', 'elderly_window_days', 'int', 1, 366, NULL, '年满高龄预警期（生日后天数）', 'RULES §6', 16),
  ('monitor', 'taper_ahead_months', 'int', 0, 6, NULL, '渐退期满提前预警（月）', 'A Art 33', 17),
  ('monitor', 'coverage_days', 'int', 1, 3650, NULL, '动态监测覆盖：部门数据比对时效（天）', 'P table 2 indicator 1', 18);

INSERT INTO policy_params (program, param, region_prefix, effective_from, value, note, created_by, created_at) VALUES
  ('monitor', 'death_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'assets_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'medical_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'disability_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'age_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'edge_unemployed_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'taper_end_enabled', '', '2000-01-01', '1', '默认启用', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'business_limit', '', '2000-01-01', '0', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'medical_threshold', '', '2000-01-01', '1000000', '示例默认值（1万元），须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'medical_months', '', '2000-01-01', '12', '刚性支出按近12个月计算', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'disability_max_grade', '', '2000-01-01', '2', '重度残疾人护理补贴：一、二级', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'disability_recent_days', '', '2000-01-01', '90', '示例默认值', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'elderly_age', '', '2000-01-01', '80', '尊老金起始年龄80周岁', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'elderly_window_days', '', '2000-01-01', '31', '示例默认值', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'taper_ahead_months', '', '2000-01-01', '1', '渐退期最后一个月预警', 'migration', '2026-01-01T00:00:00Z'),
  ('monitor', 'coverage_days', '', '2000-01-01', '90', '示例默认值：近一季度比对过', 'migration', '2026-01-01T00:00:00Z');

INSERT INTO role_permissions (role_code, permission) VALUES
  ('city_admin', 'monitor:alert:read'), ('city_admin', 'monitor:run:create'),
  ('verifier', 'monitor:alert:read'), ('verifier', 'monitor:run:create'),
  ('leader', 'monitor:alert:read'),
  ('county_worker', 'monitor:alert:read'), ('county_worker', 'monitor:alert:act'),
  ('county_worker', 'monitor:run:create'),
  ('county_approver', 'monitor:alert:read'), ('county_approver', 'monitor:alert:act'),
  ('township_worker', 'monitor:alert:read'), ('township_worker', 'monitor:alert:act'),
  ('township_approver', 'monitor:alert:read'), ('township_approver', 'monitor:alert:act'),
  ('village_worker', 'monitor:alert:read');
