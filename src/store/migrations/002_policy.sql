-- Policy as data (see src/core/policy.h).  The catalogue names every
-- parameter a rule may read, with its unit and bounds; policy_params holds the
-- values by region prefix and effective date.  Defaults and their sources:
-- docs/policy-defaults.md.

CREATE TABLE policy_catalog (
    program     TEXT NOT NULL,
    param       TEXT NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('fen', 'ratio', 'int', 'list', 'text')),
    min_value   BIGINT,              -- bounds for fen / ratio / int
    max_value   BIGINT,
    allowed     TEXT,                -- comma list of allowed words for list / text
    name        TEXT NOT NULL,       -- Chinese, for the editor
    source      TEXT NOT NULL,       -- where the rule comes from (RULES.md tag)
    sort        BIGINT NOT NULL,
    PRIMARY KEY (program, param)
);

CREATE TABLE policy_params (
    id             {{pk}},
    program        TEXT NOT NULL,
    param          TEXT NOT NULL,
    region_prefix  TEXT NOT NULL,    -- '' national default, '3213' Suqian, '321302' 宿城区 …
    effective_from TEXT NOT NULL,    -- YYYY-MM-DD
    value          TEXT NOT NULL,
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    FOREIGN KEY (program, param) REFERENCES policy_catalog (program, param),
    UNIQUE (program, param, region_prefix, effective_from)
);
CREATE INDEX policy_params_lookup ON policy_params (program, param, region_prefix, effective_from);

INSERT INTO policy_catalog (program, param, unit, min_value, max_value, allowed, name, source, sort) VALUES
  ('dibao', 'standard_monthly', 'fen', 1, 100000000, NULL, '低保标准（元/人·月）', 'E Art 9; P ch.1 (宿迁2020年610元)', 1),
  ('dibao', 'exempt_income_types', 'list', NULL, NULL,
   'wage,business,property,transfer,maintenance,pension,basic_pension,unemployment,youfu,family_planning,scholarship,bravery,assistance,elderly_allowance,other',
   '不计入家庭收入的收入类型', 'A Art 13', 2),
  ('dibao', 'financial_assets_months', 'int', 0, 240, NULL, '人均金融资产上限（倍于月低保标准）', 'A Art 14', 3),
  ('dibao', 'vehicle_limit', 'int', 0, 10, NULL, '非豁免机动车辆上限（辆）', 'A Art 14', 4),
  ('dibao', 'housing_limit', 'int', 0, 10, NULL, '住房上限（套）', 'A Art 14', 5),
  ('dibao', 'single_person_income_ratio', 'ratio', 10000, 30000, NULL, '单人保家庭人均收入上限（倍于低保标准）', 'A Art 8; C', 6),
  ('dibao', 'taper_months', 'int', 0, 24, NULL, '就业渐退期（月）', 'A Art 33; C; P ch.3 §1', 7),
  ('dibao', 'rounding', 'text', NULL, NULL, 'none,yuan_up,yuan_round', '保障金取整规则', 'A Art 23', 8),
  ('dibao', 'township_approval', 'int', 0, 1, NULL, '审批权下放乡镇（1 是，0 否）', 'C', 9),
  ('tekun', 'basic_ratio', 'ratio', 10000, 50000, NULL, '特困基本生活标准（倍于低保标准）', 'P ch.3 §3', 1),
  ('tekun', 'care_self', 'fen', 0, 100000000, NULL, '照料护理标准·全自理（元/月）', 'F', 2),
  ('tekun', 'care_half', 'fen', 0, 100000000, NULL, '照料护理标准·半护理（元/月）', 'F', 3),
  ('tekun', 'care_full', 'fen', 0, 100000000, NULL, '照料护理标准·全护理（元/月）', 'F', 4),
  ('edge', 'income_ratio', 'ratio', 10000, 30000, NULL, '低保边缘家庭人均收入上限（倍于低保标准）', 'A Art 8; C', 1),
  ('rigid', 'disposable_income_monthly', 'fen', 1, 100000000, NULL, '上年度人均可支配收入（元/月）', 'G', 1),
  ('temporary', 'multiplier_emergency', 'ratio', 0, 240000, NULL, '急难型救助倍数（倍于低保标准×人数）', 'H', 1),
  ('temporary', 'multiplier_expenditure', 'ratio', 0, 240000, NULL, '支出型救助倍数（倍于低保标准×人数）', 'H', 2),
  ('temporary', 'cap', 'fen', 0, 10000000000, NULL, '单次救助上限（元）', 'H', 3),
  ('temporary', 'township_limit', 'fen', 0, 10000000000, NULL, '乡镇审批额度（元）', 'H; P ch.1', 4),
  ('review', 'months_class_a', 'int', 1, 24, NULL, 'A类家庭复核周期（月）', 'A Art 31', 1),
  ('review', 'months_class_b', 'int', 1, 24, NULL, 'B类家庭复核周期（月）', 'A Art 31', 2),
  ('review', 'months_class_c_urban', 'int', 1, 24, NULL, 'C类城镇家庭复核周期（月）', 'A Art 31', 3),
  ('review', 'months_class_c_rural', 'int', 1, 24, NULL, 'C类农村家庭复核周期（月）', 'A Art 31', 4);

INSERT INTO policy_params (program, param, region_prefix, effective_from, value, note, created_by, created_at) VALUES
  ('dibao', 'standard_monthly', '3213', '2020-01-01', '61000', '宿迁市2020年城乡统一低保标准610元/人·月（规划第一章）', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'exempt_income_types', '', '2000-01-01', 'basic_pension,youfu,family_planning,scholarship,bravery,assistance,elderly_allowance', '最低生活保障审核确认办法第13条', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'financial_assets_months', '', '2000-01-01', '24', '默认值，地方可调整', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'vehicle_limit', '', '2000-01-01', '0', '残疾人功能性补偿代步机动车豁免', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'housing_limit', '', '2000-01-01', '1', '默认值，地方可调整', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'single_person_income_ratio', '', '2000-01-01', '15000', '低保边缘家庭标准1.5倍', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'taper_months', '', '2000-01-01', '6', '渐退期最长6个月', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'rounding', '', '2000-01-01', 'none', '按分计发，不取整', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'township_approval', '', '2000-01-01', '0', '默认县级审批', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'basic_ratio', '', '2000-01-01', '13000', '不低于低保标准1.3倍', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'care_self', '', '2000-01-01', '0', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'care_half', '', '2000-01-01', '30000', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'care_full', '', '2000-01-01', '60000', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('edge', 'income_ratio', '', '2000-01-01', '15000', '低保标准1.5倍', 'migration', '2026-01-01T00:00:00Z'),
  ('rigid', 'disposable_income_monthly', '3213', '2020-01-01', '220000', '示例默认值（约2.6万元/年），须按统计公报设置', 'migration', '2026-01-01T00:00:00Z'),
  ('temporary', 'multiplier_emergency', '', '2000-01-01', '30000', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('temporary', 'multiplier_expenditure', '', '2000-01-01', '20000', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('temporary', 'cap', '', '2000-01-01', '1000000', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('temporary', 'township_limit', '', '2000-01-01', '100000', '示例默认值，须由各地按文件设置', 'migration', '2026-01-01T00:00:00Z'),
  ('review', 'months_class_a', '', '2000-01-01', '12', '', 'migration', '2026-01-01T00:00:00Z'),
  ('review', 'months_class_b', '', '2000-01-01', '6', '', 'migration', '2026-01-01T00:00:00Z'),
  ('review', 'months_class_c_urban', '', '2000-01-01', '1', '', 'migration', '2026-01-01T00:00:00Z'),
  ('review', 'months_class_c_rural', '', '2000-01-01', '3', '', 'migration', '2026-01-01T00:00:00Z');

INSERT INTO role_permissions (role_code, permission) VALUES
  ('city_admin', 'policy:param:read'), ('city_admin', 'policy:param:create'),
  ('county_worker', 'policy:param:read'), ('county_approver', 'policy:param:read'),
  ('township_worker', 'policy:param:read'), ('township_approver', 'policy:param:read'),
  ('village_worker', 'policy:param:read'), ('finance', 'policy:param:read'),
  ('leader', 'policy:param:read'), ('auditor', 'policy:param:read'),
  ('city_admin', 'assist:assessment:run'), ('county_worker', 'assist:assessment:run'),
  ('county_approver', 'assist:assessment:run'), ('township_worker', 'assist:assessment:run'),
  ('township_approver', 'assist:assessment:run'), ('village_worker', 'assist:assessment:run');
