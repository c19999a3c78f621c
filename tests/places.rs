//! Places with history (issue 23): former names of divisions read as today's units when the
//! story's year allows, street names that are no places, through the real binary.

mod common;

use common::{kbgen, pages, text, Page};

/// Imports `files` (name, text) into a fresh knowledge base; its pages by raw file name.
fn import(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<Page>, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("kbgen.toml"), "title = \"测试\"\n").unwrap();
    let raw = tmp.path().join("raw");
    std::fs::create_dir(&raw).unwrap();
    for (name, body) in files {
        std::fs::write(raw.join(name), body).unwrap();
    }
    let report = tmp.path().join("review.csv");
    let o = kbgen(tmp.path(), &["import", "--report", report.to_str().unwrap(), raw.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let csv = std::fs::read_to_string(&report).unwrap();
    let pages = pages(&tmp.path().join("content"));
    (tmp, pages, csv)
}

fn page<'p>(pages: &'p [Page], file: &str) -> &'p Page {
    pages.iter().find(|p| p.front.import.as_ref().unwrap().file == file).unwrap_or_else(|| panic!("no page of {file}"))
}

fn review(p: &Page) -> Vec<String> {
    p.front.import.as_ref().unwrap().review.clone()
}

const JIXIAN: &str = "蓟县推行信访代理制\n\n{DATE}蓟县县委、县政府在全县推行信访代理制,由村干部代群众反映诉求、办理信访事项。蓟县信访办负责人介绍,代理员每月走访农户,把矛盾化解在基层。今年以来,蓟县各乡镇共代理信访事项300余件,群众满意率明显提高。\n\n各级干部深入基层,走村入户,倾听群众意见,帮助群众解决实际困难。相关部门建立台账,明确责任人和完成时限,定期通报工作进展,确保各项措施落到实处,群众的获得感、幸福感不断增强。下一步,当地将继续总结经验,完善制度,推动工作常态化、长效化。\n";

#[test]
fn a_former_county_name_is_todays_district_when_the_year_allows_and_flagged_without_one() {
    // One import each: the same text in one run would be merged as one story.
    let (_a, pages_a, _) = import(&[("dated.txt", &JIXIAN.replace("{DATE}", "2014年5月12日,"))]);
    let (_b, pages_b, csv) = import(&[("undated.txt", &JIXIAN.replace("{DATE}", ""))]);
    let (_c, pages_c, _) = import(&[("late.txt", &JIXIAN.replace("{DATE}", "2024年5月12日,"))]);
    let pages: Vec<Page> = [pages_a, pages_b, pages_c].concat();
    // 2014: 蓟县 was the county that became 蓟州区 in 2016; nothing to check.
    let dated = page(&pages, "dated.txt");
    assert_eq!(dated.front.region.first().map(String::as_str), Some("天津市/蓟州区"), "{:?}", dated.front.region);
    assert!(!review(dated).iter().any(|r| r.starts_with("region")), "{:?}", review(dated));
    // No year: the best guess, marked for review with the reason.
    let undated = page(&pages, "undated.txt");
    assert_eq!(undated.front.region.first().map(String::as_str), Some("天津市/蓟州区"));
    let why = review(undated).into_iter().find(|r| r.starts_with("region: ")).expect("a region review mark");
    assert!(why.contains("蓟县") && why.contains("2016"), "{why}");
    assert!(csv.lines().any(|l| l.contains("undated.txt") && l.contains("\"region\"") && l.contains("蓟县")), "{csv}");
    // 2024, eight years after the name ceased: it is no place.
    let late = page(&pages, "late.txt");
    assert!(!late.front.region.iter().any(|r| r.contains("蓟州区")), "{:?}", late.front.region);
}

#[test]
fn a_former_prefecture_name_and_its_short_form_are_todays_city() {
    let story = "襄樊市推行网格化管理\n\n2008年3月5日,襄樊市在城区推行网格化管理,每个网格配备一名网格员。襄樊各区按网格划分责任,市民反映的问题在网格内解决。\n\n各级干部深入基层,走村入户,倾听群众意见,帮助群众解决实际困难。相关部门建立台账,明确责任人和完成时限,定期通报工作进展,确保各项措施落到实处,群众的获得感、幸福感不断增强。下一步,当地将继续总结经验,完善制度,推动工作常态化、长效化。\n";
    let (_tmp, pages, _) = import(&[("xiangfan.txt", story)]);
    assert_eq!(pages[0].front.region.first().map(String::as_str), Some("湖北省/襄阳市"), "{:?}", pages[0].front.region);
}

#[test]
fn a_street_named_after_a_city_is_not_that_city() {
    // Two places, two styles: a 长春 community's 天津路 and a 武汉 subdistrict named 台北街.
    let changchun = "天津路13号楼里的一件暖心小事\n\n2026年3月18日,长春市宽城区新广街道东二条社区,辖内的天津路13号楼里发生了一件暖心事。宽城区社区网格员上门帮助独居老人清理杂物,天津路沿线的居民纷纷点赞。\n\n各级干部深入基层,走村入户,倾听群众意见,帮助群众解决实际困难。相关部门建立台账,明确责任人和完成时限,定期通报工作进展,确保各项措施落到实处,群众的获得感、幸福感不断增强。下一步,当地将继续总结经验,完善制度,推动工作常态化、长效化。\n";
    let wuhan = "台北街:居民议事会议出好日子\n\n2020年6月1日,湖北省武汉市江岸区台北街桃园社区推行居民议事会。台北街党工委副书记说,江岸区各社区都建立了议事会,台北街综治中心负责调解。\n\n各级干部深入基层,走村入户,倾听群众意见,帮助群众解决实际困难。相关部门建立台账,明确责任人和完成时限,定期通报工作进展,确保各项措施落到实处,群众的获得感、幸福感不断增强。下一步,当地将继续总结经验,完善制度,推动工作常态化、长效化。\n";
    let (_a, pages_a, _) = import(&[("changchun.txt", changchun)]);
    let (_b, pages_b, _) = import(&[("wuhan.txt", wuhan)]);
    let pages: Vec<Page> = [pages_a, pages_b].concat();
    let c = page(&pages, "changchun.txt");
    assert_eq!(c.front.region.first().map(String::as_str), Some("吉林省/长春市/宽城区"), "{:?}", c.front.region);
    assert!(!c.front.region.iter().any(|r| r.starts_with("天津市")), "{:?}", c.front.region);
    let w = page(&pages, "wuhan.txt");
    assert_eq!(w.front.region.first().map(String::as_str), Some("湖北省/武汉市/江岸区"), "{:?}", w.front.region);
    assert!(!w.front.region.iter().any(|r| r.starts_with("台湾省")), "{:?}", w.front.region);
}

#[test]
fn places_in_other_cities_that_a_county_story_names_are_not_its_regions() {
    // 援藏 cadres from 成都's districts working in a 甘孜 county.
    let story = "援藏人的别样中秋\n\n2018年9月24日,援藏干部孔祥艳在甘孜州九龙县过中秋。她来自成都青白江区,2016年来到九龙县援藏。青白江区的几位老师为九龙县中学的孩子们准备了月饼。青白江的家人盼她回家,九龙县的孩子们舍不得她走。九龙县高级中学的副校长黄波也来自青白江区,他在九龙县工作三年。双流区的谭永生在巴塘县援藏两年,任巴塘县副县长,双流援巴指挥部设在巴塘县。\n\n各级干部深入基层,走村入户,倾听群众意见,帮助群众解决实际困难。相关部门建立台账,明确责任人和完成时限,定期通报工作进展,确保各项措施落到实处,群众的获得感、幸福感不断增强。下一步,当地将继续总结经验,完善制度,推动工作常态化、长效化。\n";
    let (_tmp, pages, _) = import(&[("yuanzang.txt", story)]);
    let r = &pages[0].front.region;
    assert!(r.first().is_some_and(|x| x.starts_with("四川省/甘孜藏族自治州")), "{r:?}");
    assert!(!r.iter().any(|x| x.contains("成都市")), "{r:?}");
}

#[test]
fn the_report_lists_named_practices_in_no_vocabulary_entry_with_counts() {
    let a = "西宁社区推行邻里牵手\n\n2024年4月2日,西宁市城中区南滩街道推出“邻里牵手”服务,组织党员与独居老人结对。“邻里牵手”开展以来,社区还全面落实“河长制”,党员志愿者定期巡河。\n\n各级干部深入基层,走村入户,倾听群众意见,帮助群众解决实际困难。相关部门建立台账,明确责任人和完成时限,定期通报工作进展,确保各项措施落到实处。\n";
    let b = "海东乡镇推行邻里牵手\n\n2024年6月9日,海东市乐都区碾伯镇推行“邻里牵手”互助服务,在各村组建互助小组。“邻里牵手”让留守老人有人照看,镇里还把它写进村规民约。\n\n下一步,当地将继续总结经验,完善制度,推动工作常态化、长效化,让群众的获得感、幸福感不断增强,把好事办好、实事办实。\n";
    let (_tmp, _pages, csv) = import(&[("a.txt", a), ("b.txt", b)]);
    let row =
        csv.lines().find(|l| l.contains("\"vocabulary\"") && l.contains("邻里牵手")).unwrap_or_else(|| panic!("{csv}"));
    assert!(row.contains("named in 2 stories") && row.contains("a.txt") && row.contains("b.txt"), "{row}");
    // A practice the vocabulary has is no proposal.
    assert!(!csv.lines().any(|l| l.contains("\"vocabulary\"") && l.contains("河长制")), "{csv}");
}
