//! A seeded generator of realistic answer scripts, in Chinese and English, good and weak,
//! from our own sentence templates. Shared by the benchmarks.

#![allow(dead_code)]

/// xorshift64*: small, seeded, reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const ZH_QUESTIONS: &[&str] = &[
    "## 请介绍公司的核心优势",
    "## 旺季物流延误如何处理",
    "## 买家投诉质量问题怎么办",
    "## 你们的供应链情况",
    "## 合规与认证",
    "## 品牌与知识产权",
    "## 退货如何处理",
];
const EN_QUESTIONS: &[&str] = &[
    "## What are your core strengths?",
    "## How do you handle peak-season delays?",
    "## A buyer complains about quality. What do you do?",
    "## Describe your supply chain.",
    "## Compliance and certification",
    "## Brand and IP",
];
const ZH_PRODUCTS: &[&str] = &[
    "收纳盒",
    "蓝牙耳机",
    "女装连衣裙",
    "汽车脚垫",
    "积木玩具",
    "口红",
    "保温杯",
    "手机壳",
];
const EN_PRODUCTS: &[&str] = &[
    "storage boxes",
    "earbuds",
    "summer dresses",
    "car mats",
    "building blocks",
    "lipsticks",
    "tumblers",
    "phone cases",
];
const ZH_GOOD: &[&str] = &[
    "我们{p}的月产能{n}万件，ERP导出表见附件{k}。",
    "退货率{d}%（后台截图见附件{k}），低于类目平均的{e}%。",
    "已与燕文签订旺季保舱协议，合同编号HT-2024-{id}。",
    "买家投诉后2小时内客服接单，24小时内补发并同步运单号，72小时内提交8D报告。",
    "欧盟EPR注册号DE{id}{id}，CE证书编号CE-{id}-{k}。",
    "海外仓设在西班牙马德里（仓库编号ES-MAD-0{k}），备货{n}0天，库存报表每周导出。",
    "去年出口{n}{k}00单，报关单编号{id}{id}{id}可查。",
];
const ZH_WEAK: &[&str] = &[
    "我们会尽力解决您的问题，尽快给您答复。",
    "您放心，我们一定处理好，第一时间安排补发。",
    "我们的{p}品质行业领先，数一数二。",
    "一般{k}天左右就能发货，尽量24小时内回复。",
    "我们有几十家合作工厂，服务过好几百个客户。",
    "退货率只有{d}%，复购率{e}0%。",
    "我们已与菜鸟签订保舱协议，也有备用物流商。",
    "据内部统计，好评率大概{e}{k}%左右。",
    "我们会积极配合平台，争取下个月拿到认证。",
];
const EN_GOOD: &[&str] = &[
    "Monthly output of {p} is {n}0,000 units (ERP export, Appendix {k}).",
    "Our return rate is {d}% (back-office screenshot, Appendix {k}), against a category average of {e}%.",
    "We signed a peak-season space agreement with YunExpress, contract no. YE-2024-{id}.",
    "Within 2 hours an agent takes the case, within 24 hours we ship a replacement and sync the tracking number, and within 72 hours we file an 8D report.",
    "Our EU EPR registration number is DE{id}{id}, and the CE test report is CE-{id}-{k}.",
    "We export {n}{k}00 orders a year, as the customs declarations for 2024 show.",
];
const EN_WEAK: &[&str] = &[
    "We'll do our best to fix it ASAP, rest assured.",
    "Our {p} are the best in the industry and never fail.",
    "We usually ship within {k} days or so, and reply around 24 hours.",
    "We have dozens of clients and many OEM partners.",
    "Our return rate is only {d}% and repeat purchases are {e}0%.",
    "We have a backup carrier and an overseas warehouse.",
    "We'll look into it and get back to you.",
    "Studies show our rating is about 4.{k}.",
];

fn fill(rng: &mut Rng, t: &str, products: &[&str]) -> String {
    let mut out = String::with_capacity(t.len() + 16);
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('}').map(|j| i + j).unwrap_or(rest.len() - 1);
        match &rest[i + 1..j] {
            "p" => out.push_str(rng.pick(products)),
            "n" => out.push_str(&(1 + rng.below(9)).to_string()),
            "k" => out.push_str(&(1 + rng.below(8)).to_string()),
            "d" => out.push_str(&format!("{}.{}", rng.below(3), rng.below(10))),
            "e" => out.push_str(&(2 + rng.below(7)).to_string()),
            "id" => out.push_str(&format!("{:04}", rng.below(10_000))),
            _ => {}
        }
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// One script of about `target` bytes. `quality` in 0..=10: 10 all good, 0 all weak.
pub fn script(rng: &mut Rng, target: usize) -> String {
    let zh = rng.below(2) == 0;
    let quality = rng.below(11);
    let (qs, products, good, weak) = if zh {
        (ZH_QUESTIONS, ZH_PRODUCTS, ZH_GOOD, ZH_WEAK)
    } else {
        (EN_QUESTIONS, EN_PRODUCTS, EN_GOOD, EN_WEAK)
    };
    let mut out = String::with_capacity(target + 256);
    while out.len() < target {
        out.push_str(rng.pick(qs));
        out.push_str("\n\n");
        for _ in 0..(2 + rng.below(3)) {
            let t = if rng.below(10) < quality {
                rng.pick(good)
            } else {
                rng.pick(weak)
            };
            out.push_str(&fill(rng, t, products));
            out.push(if zh { '\n' } else { ' ' });
        }
        out.push_str("\n\n");
    }
    out
}

/// `n` scripts with sizes spread between `min` and `max` bytes.
pub fn corpus(seed: u64, n: usize, min: usize, max: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let size = min + rng.below(max - min + 1);
            script(&mut rng, size)
        })
        .collect()
}
