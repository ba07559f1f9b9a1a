"""The list grammar (items) and the counted object (metric) on the forms real pages use (the items issue).

Made-up cases in the forms of real pages; each must give the stated items / the metric must hold the head.
"""

from __future__ import annotations

import pytest

from nlp_minsheng.pipeline import value_of
from nlp_minsheng.segment import item_core, segment
from nlp_minsheng.tables import Tables
from nlp_minsheng.textnorm import normalize

ITEM_CASES = [
    ("semicolon list after 包括",
     "今年确定的6件民生实事包括：新建城区幼儿园3所；改造老旧小区42个；新增公共停车泊位1500个；建设城市书房8家；"
     "为60岁以上老人免费体检；实施农村饮水提升工程。", 6),
    ("分别是 with semicolons", "经票决，今年的民生实事分别是：新建社区食堂15个；改造公厕30座；新增公交线路4条。", 3),
    ("具体为 with semicolons", "3件实事具体为：建设口袋公园10个；改造供水管网18公里；新增托位200个。", 3),
    ("a complete 、 list of the stated N", "今年全县确定4件为民实事，具体是：城区学校扩容、农村公路提档、社区食堂建设、老旧小区改造。", 4),
    ("inline (1) in one paragraph",
     "经大会表决，以下4个项目当选：(1)新建青山湖公园。(2)改造供水管网25公里。(3)新增公交线路6条。(4)建设社区食堂20个。", 4),
    ("circled numbers", "主要包括：①新建社区食堂20个；②改造背街小巷15条；③新增托位300个。", 3),
    ("一是 in one paragraph",
     "今年重点办好三件实事：一是实施老旧小区改造，完成35个小区改造；二是建设口袋公园12个；三是新增公交线路6条。", 3),
    ("一是 across a line break", "办好三件实事：一是新建幼儿园3所；二是加大\n卫生投入，新建卫生院2所；三是新增公交线路6条。", 3),
    ("pipe table with header",
     "序号 | 项目名称 | 目标任务 | 责任单位\n1 | 新建幼儿园 | 3所 | 区教育局\n2 | 改造老旧小区 | 42个 | 区住建局\n"
     "3 | 新增停车泊位 | 1500个 | 区城管局\n", 3),
    ("flattened table",
     "序号\n\n项目名称\n\n目标任务\n\n责任单位\n\n1\n\n新建幼儿园\n\n3所\n\n区教育局\n\n2\n\n改造老旧小区\n\n42个\n\n"
     "区住建局\n\n3\n\n新增停车泊位\n\n1500个\n\n区城管局\n", 3),
    ("traditional + pinyin", "1.新建(jiàn)幼兒園(yuán)3所。\n2.改造老舊(jiù)小區(qū)42個(gè)。\n", 2),
    ("bullets", "▶新建城市书房5家。\n▶改造农贸市场3个。\n", 2),
    ("group headings", "一、教育类（2项）\n1.新建幼儿园3所。\n2.改扩建中小学5所。\n二、养老类（1项）\n3.新建社区食堂20个。\n", 3),
    ("one member per line after 具体为",
     "今年确定3件民生实事，具体为：\n新建社区食堂20个。\n改造背街小巷15条。\n新增托位300个。\n", 3),
    ("partial mention", "要重点推进老旧小区改造、停车场建设等民生项目", 0),
    ("progress without list", "截至9月底，10件民生实事已完成6件，其余4件正在推进", 0),
    ("an incomplete 、 list", "今年10件民生实事包括：城区学校扩容、农村公路提档等。", 0),
    # Variants of our own (forms of the real-shaped training pages).
    ("a complete 、 list ending in 等方面", "市政府承诺办好四件实事，内容包括新建幼儿园、改造背街小巷、新增停车位、建设养老服务站等方面。"
     "调研表明进展顺利。", 4),
    ("a ；list whose member holds a 。", "今年确定的4个方面民生实事包括：新建幼儿园3所；解决1.2万人饮水问题。推进城乡供水一体化；"
     "改造背街小巷8条；新建公厕20座。", 4),
    ("sentences after 具体是, one more than stated", "3项惠民实事具体是：新建公园2个。改造小区9个。新建食堂3个，改造5个。"
     "新增路灯600盏。\n", 4),
    ("lagging work listed with 一是", "目前推进偏慢的项目主要有：一是农村校舍维修改造，二是农村清洁工程，三是城镇保障性安居工程。", 0),
    ("a ；list without a stated count or plan word", "会议要求：加强领导；落实责任；强化督查。", 0),
    ("flattened table whose cells are numbers too",
     "序号\n\n项目名称\n\n满意\n\n基本满意\n\n1\n\n城乡学校扩容\n\n29\n\n2\n\n2\n\n老旧小区改造\n\n27\n\n4\n\n"
     "3\n\n农贸市场改造\n\n30\n\n1\n\n注：应到33人，实到31人。\n", 3),
    ("frame sections hand over to the items inside", "一、工作目标\n聚焦民生，办好实事。\n二、重点任务\n1、城乡学校扩容工程。投资4260万元。\n"
     "2、全民健康守护工程。投资1850万元。\n", 2),
    ("frame sections with nothing inside", "一、各乡镇考评排名\n大沙镇排在前三位。\n二、项目推进情况\n全县推进总体顺利。\n", 0),
    ("headings that say how the work is run", "(一)细化任务清单。逐一复核已落点项目。\n(二)压实推进责任。建立分级推进机制。\n"
     "(三)强化督查考核。按月通报进度。\n", 0),
    ("headings that count projects by state", "●提前完成全年任务的项目6个\n●超过半年节点目标的项目9个\n"
     "●达到半年节点目标的项目17个\n", 0),
    ("a flattened table with a class-code column (Ⅰ类 is a cell, not a group heading)",
     "序号\n\n项目名称\n\n目标任务\n\n类别\n\n1\n\n老旧小区改造\n\n改造小区38个\n\nⅠ类\n\n2\n\n社区居家养老\n\n"
     "新建服务中心4处\n\nⅠ类\n\n3\n\n学前教育扩容\n\n新建幼儿园3所\n\nⅡ类\n", 3),
    ("a flattened table whose numbered sub-task rows continue the item above",
     "序号\n\n项目名称\n\n目标任务\n\n责任单位\n\n1\n\n城市空间利用项目\n\n1.完成10处移交\n\n建设局\n\n2\n\n"
     "2.完成5个桥下空间改造\n\n交通局\n\n3\n\n暖心关爱项目\n\n1.新增老年食堂3家\n\n民政局\n\n4\n\n2.新增照护床位50张\n\n"
     "民政局\n", 2),
    ("a work report's dash line under the title is not a bullet item",
     "政府工作报告\n——2024年1月10日在某市第十九届人民代表大会第四次会议上\n各位代表：\n三、办好民生实事\n"
     "▶教育优先。新建学校8所。\n▶健康惠民。新建卫生院3所。\n▶养老服务。新建幸福院30处。\n", 3),
    ("1) markers", "1)新建幼儿园3所。\n2)改造老旧小区5个。\n3）新增公交线路6条。\n", 3),
    ("01 … 10 blocks of a WeChat repost", "".join(f"{n:02d} 新建社区食堂{n}个\n" for n in range(1, 11)), 10),
    ("a ranking whose rows start at 10 is not a list", "10 开封 216 94%\n11 安阳 238 92%\n12 商丘 248 90%\n", 0),
    ("numbered members run on in the paragraph of their group's first",
     "教育类\n1.新建幼儿园3所。2.改扩建中小学5所。3.更新课桌椅8000套。\n医疗类\n4.新建卫生院2所。5.新增床位400张。\n", 5),
    ("a page cut off inside its ；list",
     "今年确定的10件民生实事包括：新建城区幼儿园3所；改造老旧小区42个；新增公共停车泊位1500个；建设城市书房8家；为60岁以上老人", 5),
    ("a ；list short of its stated count on a page that is not cut off",
     "今年确定的10件民生实事包括：新建城区幼儿园3所；改造老旧小区42个；新增公共停车泊位1500个；建设城市书房8家。\n"
     "代表们表示将持续跟踪项目推进情况。\n", 0),
    ("a section numeral lost in copying", "一、新建幼儿园3所。\n、改造老旧小区42个。\n三、新增停车泊位1500个。\n", 3),
    ("a spaced-out table header", "序 号\n\n项 目 名 称\n\n目 标 任 务\n\n1\n\n新建幼儿园\n\n3所\n\n2\n\n改造老旧小区\n\n42个\n\n"
     "3\n\n新增停车泊位\n\n1500个\n", 3),
    ("a complete 、 list after 涵盖", "市政府对外公布了五件实事清单，涵盖扩建城区中小学校、新建居家养老服务中心、实施老旧小区改造、"
     "整治城乡河道、增设充电桩等方面。从视察情况看，各项实事按时序推进。", 5),
    ("lagging work listed as 进展迟缓的项目主要有", "截至目前，全县进展迟缓的项目主要有：一是农村饮水安全工程，二是城区学校扩容工程，"
     "三是农村公路建设。", 0),
    ("a call for proposals titled 民生实事征集", "我市启动2021年民生实事征集\n本报讯 2021年办哪些实事，市民说了算。\n"
     "1.拨打政务服务热线提出建议。\n2.发送电子邮件提出建议。\n", 0),
    ("a call for proposals titled after site chrome", "要闻动态\n公示公告\n首页\n关于公开征集2026年度民生实事项目建议的公告\n"
     "一、征集时间\n即日起至11月15日。\n二、征集范围\n教育、养老等。\n", 0),
    ("a call titled 征求…意见", "关于征求2025年民生实事项目意见的公告\n为广泛听取群众意见，现公告如下。\n"
     "1.教育类：学校扩容、校园安全。\n2.养老类：社区食堂、助餐服务。\n", 0),
    ("a call known by its sections", "各位市民：\n明年办哪些实事，请您来提。\n一、征集内容\n"
     "1.教育方面的建议。\n2.养老方面的建议。\n二、提交方式\n发送邮件至信箱。\n", 0),
    ("markers decorated by a glyph (▍①)", "一起来看看：\n▍① 新建学校12所\n新建滨湖小学。\n▍② 提升基层医疗\n完成4家卫生院改造。\n"
     "▍③ 加装电梯60部\n11月底前完成。\n", 3),
    ("topic groups whose members are numbered on across them", "(一)住房改善\n1.完成旧住房改造40万平方米；\n"
     "2.加装电梯150台。\n(二)为老服务\n3.新增养老床位600张；\n4.新建长者食堂6家。\n(三)教育托育\n5.新建幼儿园7所。\n", 5),
    ("news sections, one holding the list", "■ 票决结果\n① 农村公路建设工程（得票276张）\n新建农村公路200公里。\n"
     "② 城区老旧小区改造（得票271张）\n改造小区28个。\n③ 新建公办幼儿园（得票258张）\n新建幼儿园2所。\n"
     "■ 代表声音\n“路修好了。”代表说。\n■ 全程监督\n代表将跟进监督。\n", 3),
    ("a work report's items inside a section inside a section", "三、2017年重点工作\n……\n"
     "(六)着力保障和改善民生，办好十件实事\n集中力量办好以下实事：\n1.推进棚户区改造。改造住房3500户。\n"
     "2.改善农村住房条件。改造危房1800户。\n3.发展教育事业。新建学校1所。\n四、加强政府自身建设\n(一)坚持依法行政。\n", 3),
    ("a section named 项目内容及责任分工 beside frame sections", "一、总体要求\n确保全面完成。\n二、项目内容及责任分工\n"
     "(一)新建中小学4所。责任单位：县教育局。\n(二)城乡公交提质。新增公交车50辆。\n(三)老旧小区改造。改造小区7个。\n"
     "三、保障措施\n(一)加强组织领导。\n(二)强化督查考核。\n", 3),
    ("sections that frame a table of the items", "一、总体推进情况\n\n| 序号 | 实事项目 | 年度目标 |\n| 1 | 棚户区改造 | 1.2万户 |\n"
     "| 2 | 农村危房改造 | 5000户 |\n| 3 | 城镇新增就业 | 1.6万人 |\n| 4 | 供热管网改造 | 260公里 |\n"
     "二、有关情况说明\n数据以年底考核为准。\n", 4),
    ("a second table numbered from 1 again lists the items a second time",
     "一、项目计划表\n序号 | 项目名称 | 投资(万元) | 责任单位\n1 | 学位扩容 | 26500 | 区教委\n2 | 老旧小区改造 | 8000 | 区住建委\n"
     "3 | 城市停车 | 3000 | 区城管局\n二、推进情况\n序号 | 项目名称 | 进度 | 备注\n1 | 学位扩容 | 80% | 无\n"
     "2 | 老旧小区改造 | 60% | 无\n3 | 城市停车 | 50% | 无\n", 3),
    ("a pipe table broken down by district is one item, not one per row", "序号 | 街道 | 任务(个) | 完成(个)\n1 | 城关街道 | 12 | 9\n"
     "2 | 新华街道 | 8 | 6\n3 | 兴达镇 | 6 | 2\n", 1),
    ("第N项 headings with their completion lines", "第一项：城镇新增就业9000人。\n完成情况：新增就业9236人。已完成。\n"
     "第二项：改造老旧小区45个。\n完成情况：45个小区全部完工。已完成。\n", 2),
    ("bracketed group lines end the item before them", "【教育】\n①新建学校3所。\n②新增学位900个。\n【卫生】\n"
     "③新建卫生院2所。\n【交通】\n④新增公交线路6条。\n", 4),
    ("a schedule section's stages are not items", "一、主要任务\n(一)新建农村公路100公里。\n(二)改造供热管网20公里。\n"
     "二、时间安排\n(一)启动阶段(3月底前)。制定方案。\n(二)实施阶段(4月至11月)。全面开工。\n", 2),
    ("a flattened table by district is one item, not one per row", "序号\n\n街道\n\n任务(个)\n\n完成(个)\n\n1\n\n城关街道\n\n12\n\n9\n\n"
     "2\n\n新华街道\n\n8\n\n6\n\n3\n\n兴达镇\n\n6\n\n2\n", 1),
    ("a vote tally, then the projects' sections: the tally is the first listing",
     "1.城区供热管网改造项目 赞成202票\n2.饮水安全提升项目 赞成199票\n3.公办幼儿园建设项目 赞成196票\n"
     "票决产生的3个项目如下：\n(一)城区供热管网改造项目。改造管网18公里。\n(二)饮水安全提升项目。新建水厂2处。\n"
     "(三)公办幼儿园建设项目。新建幼儿园2所。\n", 3),
    ("paragraphs led by the project's name", "会议通报了进展情况。\n城区供水管网改造：改造管网68公里，已完成60公里。\n"
     "农村饮水安全：解决4.8万人饮水问题，已全部完成。\n城区道路建设：建成道路3条共6.4公里。\n"
     "住房保障：开工建设保障性住房1800套。\n", 4),
    ("field lines repeated under each item are not items", "会议通报了进展情况。\n完成情况：新增就业9236人。\n"
     "完成情况：45个小区全部完工。\n完成情况：新建学校3所。\n", 0),
    ("a round-up of towns led by their names", "各乡镇陆续完成票决。\n开云镇：8个项目当选\n会议应到代表60名。\n"
     "白果镇：“点单”修路排第一\n代表王某说。\n店门镇、长江镇：聚焦饮水和教育\n6个项目中有2个与饮水有关。\n", 0),
    ("circled numbers past ⑳", "".join(f"{chr(0x2460 + n) if n < 20 else chr(0x3251 + n - 20)}新建食堂{n + 1}个。\n"
                                     for n in range(23)), 23),
    ("a photo caption under the last item is not part of it", "1.新建学校3所。\n2.改造小区12个。\n已完工8个。\n"
     "(图为改造后的金陵新村中心广场)\n", 2),
    ("two bullet glyphs are two lists: the year's results, then the items",
     "——全年地区生产总值增长5.8%。\n——居民收入增长6.5%。\n今年重点办好三件民生实事：\n▶城乡住房：改造老旧小区18个。\n"
     "▶交通出行：新建农村公路150公里。\n▶饮水安全：新建饮水工程25处。\n", 3),
    ("a work report's economic tasks are not livelihood items", "序号\n\n工作任务\n\n牵头单位\n\n1\n\n全市地区生产总值增长8.5%左右。"
     "\n\n市发改委\n\n2\n\n规模以上工业增加值增长9%。\n\n市工信局\n\n3\n\n一般公共预算收入增长7%。\n\n市财政局\n", 0),
    ("a flattened table by district, then one of projects numbered from 1 again",
     "表1 分县完成情况\n\n序号\n\n县(市、区)\n\n目标(个)\n\n完成(个)\n\n1\n\n顺庆区\n\n48\n\n31\n\n2\n\n高坪区\n\n36\n\n22\n\n"
     "3\n\n嘉陵区\n\n30\n\n15\n\n表2 重点项目进展\n\n序号\n\n项目名称\n\n目标\n\n进度\n\n1\n\n联网路改造\n\n12.5公里\n\n70%\n\n"
     "2\n\n集中供水工程\n\n受益2.4万人\n\n100%\n\n3\n\n通村公路\n\n35公里\n\n90%\n", 3),
    ("a ；list of the items before the tables is the listing that counts",
     "今年确定四件实事，主要目标是：完成户厕改造3410座；改造步道3.6公里；新建幼儿园1所；改造老旧小区12个。\n"
     "序号 | 项目名称 | 目标 | 进度\n1 | 户厕改造 | 3410座 | 80%\n2 | 步道改造 | 3.6公里 | 100%\n3 | 幼儿园 | 1所 | 90%\n", 4),
    ("a ；list of economic indicators is not the items", "主要预期目标是：地区生产总值增长10%左右；固定资产投资增长12%；"
     "城镇登记失业率控制在4%以内；居民消费价格涨幅3%左右。\n", 0),
    ("a page that reports progress by district in a flattened table: one item, intro to total row",
     "各街道办事处：\n\n今年全区计划改造城镇老旧小区40个，10月底前全部完工。各街道进度如下：\n\n老旧小区改造进度表\n\n"
     "序号\n\n街道\n\n目标(个)\n\n已完工(个)\n\n1\n\n高笋塘街道\n\n18\n\n12\n\n2\n\n太白街道\n\n15\n\n9\n\n"
     "3\n\n牌楼街道\n\n7\n\n5\n\n合计\n\n40\n\n26\n\n本通报每半月一期。\n", 1),
    ("a progress report by county as a pipe table under its title row: one item",
     "| 附件3 | |||\n| 昭通市2013年农村危房改造进度月报 | |||\n| 县(区) | 任务(户) | 竣工(户) |\n"
     "| 昭阳区 | 1260 | 382 |\n| 鲁甸县 | 2350 | 1105 |\n| 巧家县 | 1980 | 624 |\n", 1),
    ("a plan made after 广泛征求意见 keeps its items", "县政府在广泛征求意见的基础上，确定了10件实事。\n"
     "一、新建农村公路150公里。\n二、改造供水管网10公里。\n三、新建幸福院30处。\n", 3),
    # Forms of the structure pages (st): lists in progress reports that are not the plan's items.
    ("a ranking of places under a ranking heading is not the items",
     "二、考核排名\n\n按综合得分排名如下：\n\n1.东湖区  96.82分\n2.北湖县  95.47分\n3.淮岭经开区  94.90分\n"
     "4.石塘县  93.15分\n\n三、存在的问题\n\n部分项目进度偏慢。\n", 0),
    ("a list of lagging sub-projects introduced as such is not the items",
     "从督查情况看，多数子项目达到序时进度，但有4个子项目进度明显滞后，已列入挂牌督办清单：\n\n"
     "● 龙岗镇中心小学宿舍楼建设(主体尚未封顶)\n● 平寨乡卫生院改造(尚未完成招标)\n● 城南农贸市场改造(商户安置未完成)\n"
     "● 县残疾人康复中心装修(设计变更)\n\n下一步，将加强督导。\n", 0),
    ("sections of lagging sub-projects are not the items",
     "一、存在的问题\n\n(一)尚未开工的子项目(3个)\n\n1.城关镇第二农贸市场改造\n\n2.溪口至上洋公路拓宽工程\n\n"
     "3.县残疾人综合服务中心\n\n(二)完成投资不足30%的子项目(2个)\n\n1.县第二实验小学教学综合楼，完成投资18%\n\n"
     "2.梅溪河城区段防洪堤，完成投资22%\n", 0),
    ("next steps inline after 下一步 are not the items",
     "下一步，各责任单位要做到“三个确保”：一是确保11月20日前完成全部室外施工任务；二是确保资金按进度及时拨付；"
     "三是确保12月15日前完成竣工验收。\n", 0),
    ("plan items under a heading about their progress stay items",
     "现将具体情况通报如下：\n\n一、进度较快的项目\n\n(一)城区学校扩容。新增学位2700个，已完成80%。\n\n"
     "(二)农村公路提档。改造农村公路120公里，已完成95公里。\n\n二、进度滞后的项目\n\n"
     "(三)老旧小区改造。改造小区14个，已开工6个。\n\n(四)城区停车场建设。新增泊位800个，尚未开工。\n", 4),
    ("a list introduced with 通报如下 after a sentence about a lagging item keeps its items",
     "十件实事总体进展顺利，其中1件进度偏慢。现将各项实事进展情况通报如下：\n1．城区集中供热扩网工程。计划新建供热管网18公里。\n"
     "牵头单位：县住建局\n2．农村饮水安全巩固提升。计划改造管网92公里。\n牵头单位：县水务局\n"
     "3．城乡公办幼儿园建设。计划新建幼儿园5所。\n牵头单位：县教育局\n", 3),
    ("a notice's instructions before its table are not the items: the table's rows are",
     "一、各责任单位要严格按照计划确定的建设内容组织实施，不得擅自变更建设地点。\n\n"
     "二、区级配套资金由区财政局按照项目进度分期拨付。\n\n三、各项目实行月报制度，请于每月5日前报送进展情况。\n\n"
     "附件1\n\n| 序号 | 项目名称 | 建设内容 | 总投资 |\n| 1 | 城区供热管网延伸 | 新铺设管网4.8公里 | 2600 |\n"
     "| 2 | 农村安全饮水提升 | 改造管网60公里 | 1850 |\n| 3 | 公办幼儿园建设 | 新建幼儿园5所 | 4200 |\n", 3),
    ("a table separated by tabs, after a table of economic tasks",
     "附件1\n\n序号\t目标任务\t牵头单位\n1\t地区生产总值增长6%左右\t市发改委\n2\t规模以上工业增加值增长7%\t市工信局\n"
     "3\t固定资产投资增长6.5%\t市发改委\n\n附件2\n\n序号\t项目名称\t目标任务\t牵头单位\n"
     "1\t老旧小区改造\t改造老旧小区86个\t市住建局\n2\t公办学位扩容\t新增学位9000个\t市教育局\n"
     "3\t长者食堂建设\t新建长者食堂30个\t市民政局\n", 3),
    ("a work report's section about the items lists them inline",
     "一、2017年工作回顾\n\n过去的一年，全县地区生产总值增长7.2%。\n\n二、2018年主要预期目标\n\n地区生产总值增长7%左右。\n\n"
     "三、集中办好四件民生实事\n\n今年集中财力办好四件民生实事，具体为：新建城东小学，新增学位2100个；改造城区老旧小区18个；"
     "新建改造农村公路130公里；新增养老床位300张。\n", 4),
    ("an assessment notice framed at two levels has no items",
     "一、考核对象\n\n承担十件实事任务的各牵头单位。\n\n二、考核内容\n\n(一)任务完成情况。考核数量、质量。\n\n"
     "(二)资金管理情况。考核资金拨付。\n\n(三)群众满意情况。开展满意度测评。\n\n三、考核方式\n\n单位自评与现场核查相结合。\n", 0),
    ("a headline inviting proposals makes a call for proposals",
     "明年的民生实事，请您来“点单”！\n\n群众可以通过以下方式“点单”：\n—— 扫描上方二维码留言；\n—— 拨打征集热线；\n"
     "—— 将书面建议投递到征集箱。\n", 0),
    ("a ranking under a title with a bracketed word is not the items",
     "二、镇(街道)考评排名\n\n按综合得分排名：\n\n1.东郊街道 96.5分\n2.南渚镇 95.0分\n3.城中街道 93.8分\n\n"
     "三、有关要求\n\n各牵头单位要加快进度。\n", 0),
    ("a pipe table's sub-rows without a number continue the item above",
     "| 序号 | 项目名称 | 年度目标 | 投资(万元) |\n| 一、教育类(2项) | | | |\n| 1 | 城乡学校扩容改造 | 新增学位1350个 | 12600 |\n"
     "| | (1)东关小学扩建 | 新增学位540个 | 5200 |\n| | (2)南滩学校新建 | 新增学位720个 | 6800 |\n"
     "| 2 | 发热门诊改造 | 建成发热门诊1处 | 1800 |\n| 3 | 两癌免费筛查 | 筛查8000人 | 160 |\n| | 合计 | | 14560 |\n", 3),
    ("a ranking table by county separated by spaces: one item from its intro to its total",
     "近日，市民生实事办公室通报了农村户厕改造进展情况，全市开工率92.3%。排名如下：\n\n"
     "2019年农村户厕改造进展情况排名(截至9月30日)\n\n排名 县(市、区) 年度任务(户) 已开工(户) 开工率(%)\n"
     "1 盐河县 6200 6200 100\n2 安陵县 7800 7720 99.0\n3 北宁县 9500 9140 96.2\n4 临河区 4300 4080 94.9\n"
     "5 青池县 8600 7980 92.8\n6 孟川县 7200 6530 90.7\n合计 43600 41650 95.5\n\n下一步，各县要倒排工期。\n", 1),
    ("news sections numbered 01 with their titles below are not the items",
     "01\n总体进展\n\n截至11月25日，20项民生实事完成率96.5%。\n\n02\n镇区排名\n\n第一名 新港镇\n第二名 大湖镇\n\n"
     "03\n群众声音\n\n“家门口的路修好了。”村民说。\n\n04\n下一步\n\n将开展满意度测评。\n", 0),
    ("a table flattened one cell per line that keeps its cell borders",
     "| 序号\n\n| 项目名称\n\n| 责任单位\n\n| 1\n\n| 城区供水提质工程\n\n| 县住建局\n\n| 2\n\n| 乡村学校寄宿条件改善\n\n"
     "| 县教育局\n\n| 3\n\n| 基层医疗服务能力提升\n\n| 县卫健局\n", 3),
    ("a complete 、 list after 涉及 of as many members as the page states",
     "今年年初，市政府承诺办好五件实事，涉及扩充城区学位供给、改造农村危旧房、推进乡村公路提级改造、"
     "实施污水处理厂提标、建设长者饭堂等方面。调研组认为，各项目总体进展顺利。\n", 5),
    ("an intro ending its line, then the ；list on the next line",
     "今年确定实施的4个方面民生实事具体为：\n 打通青铜路北延段；整治老街小巷9条；新建公办幼儿园6所；改造供水管网45公里。\n", 4),
    ("an earlier sentence of the paragraph about 难点 and 下一步 does not make the list a non-item list",
     "调研组对每件实事的推进难点和下一步措施作了梳理。年初，市政府承诺的三件实事，涉及扩增城区公办学位、"
     "加固沿海海堤、建设长者饭堂等方面。\n", 3),
    ("fields named in a word or two after 涉及 are areas, not the items",
     "5件民生实事计划总投资约8.2亿元，涉及供水、住房、交通、文化、养老等领域。\n", 0),
    # Progress-report forms (session of 2026-12-08): items named by their ordinal in the plan, fields of work that
    # group numbered lists, paragraphs led by the item's name as a sentence.
    ("实事一： headings", "实事一：城区学校扩容工程\n计划新建学校3所，目前已完成主体工程。\n实事二：老年助餐服务\n"
     "新建老年食堂20个，已建成15个。\n实事三：农村供水保障\n改造供水管网50公里，已完成32公里。\n", 3),
    ("【民生实事1】 headings", "【民生实事1】新建口袋公园20个\n进展情况：已完成18个。\n【民生实事2】改造背街小巷30条\n"
     "进展情况：已完成21条。\n【民生实事3】新增托位500个\n进展情况：已完成400个。\n", 3),
    ("十件实事之一： headings", "十件实事之一：新建幼儿园5所\n截至目前已开工5所。\n十件实事之二：改造老旧小区30个\n已开工28个。\n", 2),
    ("项目1： lines", "项目1：新建停车场3个。进展：已建成2个。\n项目2：改造公厕20座。进展：已完成20座。\n"
     "项目3：新增路灯500盏。进展：已安装420盏。\n", 3),
    ("area headings group the numbered items", "一、教育方面\n1.新建幼儿园2所，新增学位540个。\n2.改造提升中小学运动场5个。\n"
     "二、医疗方面\n1.建设社区卫生服务站3个。\n2.为辖区65岁以上老人免费体检。\n三、交通方面\n1.新增公交线路4条。\n", 5),
    ("fields of work, each with its own list, in a progress report",
     "一、农村道路畅通工程\n（一）自然村道路硬化320公里。已完成71.5公里。\n（二）农村道路扩面延伸工程。已开工68公里。\n"
     "二、安居保障\n（一）棚户区改造开工1200套。已开工1036套。\n（二）农村危房改造680户。已竣工411户。\n"
     "三、文化体育\n送戏进万村200场，已完成117场。\n四、县本级民生实事\n1.新建停车泊位1000个：已建成620个。\n"
     "2.新建口袋公园6个：已建成2个。\n五、存在的主要问题\n一是部分项目资金支出偏慢。二是施工条件差。\n", 7),
    ("headings the page counts as its items keep their sub-tasks",
     "集中财力办好3件民生实事。\n(一)城乡教育提升工程\n1.改造教学楼1栋。\n2.新建幼儿园2所。\n(二)群众就医便利工程\n"
     "1.建成胸痛中心。\n2.开展认知筛查。\n(三)城区道路畅通工程\n1.改造背街小巷4条。\n2.新建停车场2处。\n", 3),
    ("headings with their own 牵头单位 line keep their sub-tasks",
     "(一)城乡教育提升工程\n1.改造教学楼1栋。\n2.新建幼儿园2所。\n牵头单位:县教育局\n(二)群众就医便利工程\n"
     "1.建成胸痛中心。\n2.开展认知筛查。\n牵头单位:县卫健局\n", 2),
    ("paragraphs led by the item's name as a sentence",
     "今年的重点项目推进情况如下：\n城乡污水收集管网建设。新建污水管网480公里，已铺设305公里。\n"
     "义务教育学校建设。新建中学1所、完小1所，已进入室内装修。\n农村公路和城乡公交。建设通村公路85公里，已完成52公里。\n"
     "会议要求，一是抓进度，二是抓质量，三是抓督查。\n", 3),
    ("a pipe table without a number column, under a project-name header",
     "| 项目名称 | 建设内容 | 责任单位 |\n| --- | --- | --- |\n| 城区学校扩容 | 新建学校2所 | 区教育局 |\n"
     "| 老旧小区改造 | 改造小区30个 | 区住建局 |\n| 社区食堂建设 | 新建食堂15个 | 区民政局 |\n", 3),
    ("a pipe table numbered in Chinese numerals", "| 序号 | 项目名称 | 建设内容 |\n| 一 | 城区学校扩容 | 新建学校2所 |\n"
     "| 二 | 老旧小区改造 | 改造小区30个 |\n| 三 | 社区食堂建设 | 新建食堂15个 |\n", 3),
    ("a category column before the row number", "| 类别 | 序号 | 项目名称 | 建设内容 |\n| 教育 | 1 | 城区学校扩容 | 新建学校2所 |\n"
     "|  | 2 | 幼儿园建设 | 新建幼儿园3所 |\n| 民生 | 3 | 老旧小区改造 | 改造小区30个 |\n|  | 4 | 社区食堂建设 | 新建食堂15个 |\n", 4),
    ("a district's row is not a category column: the table by district is one item",
     "| 县(区) | 任务 | 开工 | 完工 |\n| 昭阳区 | 14 | 12 | 8 |\n| 鲁甸县 | 22 | 20 | 11 |\n| 巧家县 | 19 | 17 | 9 |\n", 1),
    ("paragraphs led by the projects' names come before the same projects' table, which adds none",
     "排水防涝：计划完成43处易涝点整治，已完工38处。\n燃气改造：计划改造庭院燃气管网150公里，已完成107公里。\n"
     "供水管网：计划改造老旧供水管网80公里，已改造63公里。\n附：进度一览\n| 项目 | 年度目标 | 完成 |\n"
     "| 易涝点整治 | 43处 | 38处 |\n| 庭院燃气管网改造 | 150公里 | 107公里 |\n| 老旧供水管网改造 | 80公里 | 63公里 |\n", 3),
    ("一是…十是 wrapped so that 三是 and 七是 start lines: one inline list, not two headings",
     "十件实事具体是:一是实施水源地保护,\n开工建设第二水厂;二是县城\n污水处理厂提标扩能;\n"
     "三是县城老旧小区整治;四是提升改造乡村\n薄弱学校6所以上;五是增加\n医疗投入;六是实\n施农村公路提档升级;\n"
     "七是在县城新建公共停车场;八是新增养老床位100张;九是实施茶叶\n提质增效工程;十是开\n展噪音专项整治。\n", 10),
    ("members one per sentence after an introduction that ends its line, some sharing a line",
     "2022年度3件民生实事项目正式出炉,具体为:\n“惠童心”儿童关爱工程,包括新增普惠性学位等。“惠健康”医疗惠民工程,"
     "包括建设发热诊室等。\n“惠颐养”养老助老工程,包括新建长者饭堂等。\n手机扫一扫阅读此页\n", 3),
    ("an advert injected between the members of a 。 list is no member",
     "3件民生实事具体是:新建学校2所。改造小区5个。【代写代发各类论文 加微信:abc123】新增泊位300个。\n", 3),
    ("a meeting's requirements listed with 一是", "会议要求，一是抓进度，确保9月底完成投资80%；二是抓质量；三是抓督查。\n", 0),
]


@pytest.mark.parametrize(("form", "text", "n"), ITEM_CASES, ids=[c[0] for c in ITEM_CASES])
def test_list_forms_give_their_items(form: str, text: str, n: int) -> None:
    nt = normalize(text).text
    items = segment(nt)
    assert len(items) == n, [nt[s.start:s.end] for s in items]
    if "photo caption" in form:
        assert "图为" not in nt[items[-1].start:items[-1].end]
    if "bullet glyphs" in form:
        assert all(nt[it.start:it.end].startswith("▶") for it in items)
    if "one item, intro to total row" in form:
        assert nt[items[0].start:items[0].end].startswith("今年全区") and nt[items[0].start:items[0].end].endswith("26")
    if "sub-rows" in form:
        assert nt[items[0].start:items[0].end].endswith("6800") and "合计" not in nt[items[-1].start:items[-1].end]
    if "separated by spaces" in form:
        assert nt[items[0].start:items[0].end].startswith("近日") and nt[items[0].start:items[0].end].endswith("95.5")
    if "under its title row" in form:
        assert nt[items[0].start:items[0].end].startswith("昭通市2013年")
    if "first listing" in form:
        assert all("赞成" in nt[it.start:it.end] for it in items), [nt[s.start:s.end] for s in items]
    for it in items:
        a, b = item_core(nt, it.start, it.end)
        assert b > a and it.title  # every item has text and a title


METRIC_CASES = [
    ("老旧小区改造工程：改造城关区17个老旧小区。", "17个", "老旧小区"),
    ("为全区3200名70周岁以上独居老人免费安装燃气报警器。", "3200名", "老人"),
    ("对春江花苑、锦绣西苑等28个小区实施雨污分流改造。", "28个", "小区"),
    ("本报记者 王某某 实习生 李某\n600个行政村配建健身器材。", "600个", "健身器材"),
    ("新设40个社区老年人助餐服务点。", "40个", "助餐服务点"),
    ("全年新建口袋公园12个。", "12个", "口袋公园"),
    ("城市社区卫生服务中心覆盖率达到95%。", "95%", "覆盖率"),
    # Forms of the training pages.
    ("新建8家、改建5家社区老年活动室。", "8家", "社区老年活动室"),
    ("解决城关镇8.6万人的饮水问题。", "8.6万人", "饮水问题"),
    ("今年下达的城镇老旧小区综合改造任务共4012个。", "4012个", "综合改造"),
    ("新增3个单向交通组织片区。", "3个", "组织片区"),
    ("(3)对8万名农牧民开展职业技能培训。", "8万名", "职业技能培训"),
    # A quantity only 年度目标/目标任务 introduces counts what its heading names; a verb closing a noun phrase keeps it.
    ("三、新改建农村公路：年度目标200公里，完成216.4公里。", "200公里", "农村公路"),
    ("1.老旧小区改造(目标任务:35个)，已完工28个。", "35个", "老旧小区改造"),
    ("实施农村危房改造1000户。", "1000户", "危房改造"),
    # A verb alone names nothing: the label before the colon, or the row's project cell, does.
    ("老旧小区改造：计划改造42个，已开工40个。", "42个", "老旧小区"),
    ("城市书房建设：计划建设8家，已建成5家。", "8家", "城市书房"),
    ("| 1 | 老旧小区改造 | 改造42个 | 已完工30个 | 71% |", "42个", "老旧小区"),
    # A bare number under 年度目标 counts the row's project; after a comma, 年度目标 counts what the clause before names.
    ("序号 | 项目名称 | 年度目标 | 完成情况\n1 | 社区食堂 | 20 | 16\n", "20", "社区食堂"),
    ("为65周岁及以上老年人提供免费健康体检一次，年度目标12万人，已完成体检7.4万人。", "12万人", "体检"),
]


@pytest.mark.parametrize(("text", "target", "head"), METRIC_CASES, ids=[c[1] for c in METRIC_CASES])
def test_metric_holds_the_counted_object(text: str, target: str, head: str) -> None:
    nt = normalize(text).text
    s = nt.index(target)
    metric = value_of(nt, s, s + len(target), "TARGET", 2024, None, Tables(nt))["metric"]
    assert metric and head in metric, metric  # the issue: "the metric must hold the head shown"
    assert "\n" not in metric and "记者" not in metric and "城关区" not in metric and "西苑" not in metric


@pytest.mark.parametrize(("marked", "core"), [
    ("1、新建幼儿园3所。", "新建幼儿园3所"), ("(1)新建公园；", "新建公园"), ("一是实施改造；", "实施改造"),
    ("▶新建书房5家。", "新建书房5家"), ("1 | 新建幼儿园 | 3所 |", "新建幼儿园 | 3所"), ("01\n\n完成改造", "完成改造"),
    ("第一件 实现新增就业", "实现新增就业"), ("新建幼儿园3所", "新建幼儿园3所"),
    # Full-width indents and the pinyin reading of the last character are not part of what identifies an item.
    ("\u3000\u30001.新建驛站60處(chù)\u3000", "新建驛站60處"), ("\u3000\u3000改造小區(qū)。", "改造小區"),
    # A parenthesis that is not a reading stays.
    ("新建幼儿园(含托班)", "新建幼儿园(含托班)"), ("改造管网(2期)", "改造管网(2期)"),
])
def test_item_core_drops_markers_and_closing_punctuation(marked: str, core: str) -> None:
    a, b = item_core(marked, 0, len(marked))
    assert marked[a:b] == core


def test_a_class_code_cell_stays_in_its_row() -> None:
    # Ⅰ类/Ⅱ类 in a 类别 column is the row's last cell, not a heading that groups the items below it.
    text = ("序号\n\n项目名称\n\n目标任务\n\n类别\n\n1\n\n老旧小区改造\n\n改造小区38个\n\nⅠ类\n\n2\n\n社区居家养老\n\n"
            "新建服务中心4处\n\nⅠ类\n\n3\n\n学前教育扩容\n\n新建幼儿园3所\n\nⅡ类\n")
    nt = normalize(text).text
    items = segment(nt)
    assert [nt[slice(*item_core(nt, it.start, it.end))][-2:] for it in items] == ["Ⅰ类", "Ⅰ类", "Ⅱ类"]


def _hard_wrapped(page: str, width: int = 18) -> str:
    """``page`` as text taken from a newspaper PDF: every line cut at ``width`` characters."""
    return "\n".join(line[i:i + width] for line in page.splitlines() for i in range(0, len(line), width)) + "\n"


def _item_cores(text: str) -> list[str]:
    nt = normalize(text).text
    return [nt[slice(*item_core(nt, it.start, it.end))].replace("\n", "") for it in segment(nt)]


def test_a_page_hard_wrapped_at_a_fixed_width_gives_the_items_of_the_unwrapped_page() -> None:
    # Cut mid-sentence and mid-item.
    page = ("某市召开人民代表大会，票决产生今年三件民生实事。\n"
            "当选的3件民生实事包括：新建城区幼儿园3所，新增学位1080个，秋季学期投入使用；改造城区老旧小区42个，"
            "惠及居民8600户，年底前完工；新增公共停车泊位1500个，缓解老城区停车难问题。\n"
            "代表们表示，将持续跟踪这些项目的推进情况，督促相关部门尽早拿出实效，让群众看得见、摸得着。\n")
    expected = [normalize(c).text for c in ("新建城区幼儿园3所，新增学位1080个，秋季学期投入使用",
                                            "改造城区老旧小区42个，惠及居民8600户，年底前完工",
                                            "新增公共停车泊位1500个，缓解老城区停车难问题")]
    assert _item_cores(page) == expected
    assert _item_cores(_hard_wrapped(page)) == expected


def test_a_wrap_right_after_a_sentence_end_does_not_cut_a_list_of_sentences() -> None:
    # Items as sentences after 具体是：: a cut falls right after a 。 (the line is full and ends a sentence by
    # chance) and the list goes on below it.
    page = ("某区今年的6项惠民实事具体是：完成老旧小区改造12个。新建社区食堂5个。改造农贸市场3个。"
            "新增停车泊位800个。新建口袋公园6个。建成区市民之家并投入使用。\n"
            "代表们表示，将持续跟踪这些项目的推进情况，督促相关部门尽早拿出实效，让群众看得见、摸得着。\n"
            "区政府有关负责人说，各项实事年初亮明、挂图推进、年底逐项销号，接受群众监督和评议打分。\n")
    wrapped = _hard_wrapped(page)
    assert any(len(line) == 18 and line.endswith("。") for line in wrapped.splitlines())  # the case under test
    assert len(_item_cores(page)) == 6 and _item_cores(wrapped) == _item_cores(page)


def test_lines_of_one_length_that_end_sentences_are_a_list_not_a_wrapped_page() -> None:
    # Each project on its own line, the lines about as long as each other: not hard wrapping, nothing is joined.
    names = ["托育服务", "教育提质", "健康服务", "养老服务", "关爱帮扶", "住房改善", "就业扩容", "便捷出行"]
    text = "2026年度8件民生实事项目于13日下午揭晓，具体为：\n" + "".join(
        f"“{n}”工程，包括新增普惠服务、开展筛查评估、落实配套政策等。\n" for n in names)
    assert len(segment(normalize(text).text)) == 8


def test_a_repeated_line_of_the_item_itself_stays_in_it() -> None:
    # 配合单位：… repeats under several items, but it is a line of each item, not a caption.
    text = ("（一）新建学校4所。\n配合单位：有关乡镇人民政府和管委会\n\n（二）新建医院门诊楼1座。\n配合单位：有关乡镇人民政府和管委会\n\n"
            "（三）新建农家书屋150个。\n配合单位：有关乡镇人民政府和管委会\n")
    nt = normalize(text).text
    assert all(nt[it.start:it.end].endswith("有关乡镇人民政府和管委会") for it in segment(nt))


@pytest.mark.parametrize("tail", [
    "(湘源幼儿园新园区一角 摄影 周立新)",
    "/滨湖社区改造后的中心花园/",
    "“家门口就有食堂了，再也不用做饭了。”居住在海湾社区的林阿姨说。",
    "备注：1.责任领导为市政府分管领导；2.完成时限为最迟时间。",
])
def test_an_item_ends_with_its_own_text(tail: str) -> None:
    text = ("学位扩容：新建第三完全小学，新增学位1620个。两所学校均于9月1日开学。\n\n"
            "供水提质：改造供水管网30公里，已完成26公里。\n\n"
            "老年助餐：新建社区食堂20个，已建成18个。\n\n" + tail + "\n")
    items = segment(text)
    assert len(items) == 3
    assert text[items[-1].start:items[-1].end] == "老年助餐：新建社区食堂20个，已建成18个。"


@pytest.mark.parametrize("advert", ["【代写代发各类论文 加微信:abc123】", "【澳门官方娱乐 注册即送888 www.example.com】"])
def test_an_advert_injected_at_an_items_edge_is_not_part_of_it(advert: str) -> None:
    # Reposting sites inject adverts after sentence ends: at the end of a line item, and at the start of the next
    # member of a list of sentences.
    lines = f"1.新建社区食堂20个。{advert}\n2.改造背街小巷15条。\n3.新增托位300个。\n"
    inline = f"今年的3件实事具体是：新建社区食堂20个。{advert}改造背街小巷15条。新增托位300个。\n"
    for text in (lines, inline):
        assert _item_cores(text) == ["新建社区食堂20个", "改造背街小巷15条", "新增托位300个"], text


def test_a_caption_repeated_under_every_block_is_not_part_of_an_item() -> None:
    text = ("民生实事\n01\n改造老旧小区15个\n为9个老旧小区增设消防设施\n2019年某区政府民生实事和重点工程安排\n02\n"
            "建成街道便民服务中心\n2019年某区政府民生实事和重点工程安排\n03\n城镇新增就业1.4万人\n")
    nt = normalize(text).text
    assert [nt[slice(*item_core(nt, it.start, it.end))].splitlines()[-1] for it in segment(nt)] == [
        "为9个老旧小区增设消防设施", "建成街道便民服务中心", "城镇新增就业1.4万人"]


_RANKING = ("今年全省下达城镇老旧小区改造任务2156个，截至10月底全省开工1962个，开工率91.0%。\n\n"
            "老旧小区改造开工进度排名\n\n(数据统计截至:10月31日)\n\n        序号 {header} 已开工小区(个) 开工比例\n\n"
            "        1 黄山 72 全部开工\n\n        2 铜陵 88 全部开工\n\n        3 宣城 96 99%\n\n        4 马鞍山 128 98%\n\n"
            "        5 芜湖 180 97%\n\n        全省 1962 91.0%\n")


def test_a_spaced_ranking_by_city_with_bare_names_is_one_item_from_intro_to_total() -> None:
    # Under a header naming the division (省辖市), bare names (黄山, 铜陵) are places: a table by district (GUIDELINES).
    text = _RANKING.format(header="省辖市")
    items = segment(text)
    assert [(text[it.start:it.start + 6], text[:it.end].rsplit("\n", 1)[-1].strip()) for it in items] == [
        ("今年全省下达", "全省 1962 91.0%")]
    # Without such a header the bare names are not known to be places: no item.
    assert segment(_RANKING.format(header="名称")) == []
