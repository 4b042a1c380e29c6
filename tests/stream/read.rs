//! XREAD and the XREAD/XREADGROUP argument parser.

use keyp::{Result, StreamId, XReadArgs, XReadId};

use super::*;

#[test]
fn xread_several_streams() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    fill(&store, "a", 3)?;
    add(&store, "b", "7-0", &[("x", "y")])?;
    let read = store.xread(
        &[
            ("a", XReadId::After(id("1-0"))),
            ("none", XReadId::After(StreamId::MIN)),
            ("b", XReadId::After(StreamId::MIN)),
        ],
        None,
    )?;
    assert_eq!(read.len(), 2);
    assert_eq!(&read[0].0[..], b"a");
    assert_eq!(ids(&read[0].1), ["2-0", "3-0"]);
    assert_eq!(&read[1].0[..], b"b");
    assert_eq!(read[1].1[0].fields, fields(&[("x", "y")]));
    let counted = store.xread(&[("a", XReadId::After(StreamId::MIN))], Some(1))?;
    assert_eq!(ids(&counted[0].1), ["1-0"]);
    let all = store.xread(&[("a", XReadId::After(StreamId::MIN))], Some(0))?;
    assert_eq!(all[0].1.len(), 3);
    assert!(store
        .xread(
            &[("a", XReadId::Last), ("b", XReadId::After(id("7")))],
            None
        )?
        .is_empty());
    store.set("str", "x")?;
    assert_eq!(
        error_text(store.xread(&[("a", XReadId::Last), ("str", XReadId::Last)], None)),
        WRONGTYPE
    );
    Ok(())
}

#[test]
fn xread_argument_parsing() -> Result<()> {
    let parse = |line: &str, group: bool| XReadArgs::parse(&words(line), group);
    let args = parse("COUNT 5 BLOCK 100 STREAMS a b $ 1-1", false)?;
    assert_eq!(args.count, Some(5));
    assert_eq!(args.block, Some(std::time::Duration::from_millis(100)));
    assert_eq!(
        args.xread_ids()?,
        [XReadId::Last, XReadId::After(id("1-1"))]
    );
    assert_eq!(parse("count -3 streams a 0", false)?.count, Some(0));
    let group = parse("GROUP g c NOACK STREAMS a >", true)?;
    assert!(group.noack);
    assert_eq!(group.group, Some(("g".into(), "c".into())));
    assert_eq!(group.group_ids()?, [keyp::GroupReadId::New]);
    let cases = [
        ("STREAMS a b 0", false, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
        ("GROUP g c STREAMS a b >", true, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
        ("BLOCK -1 STREAMS a 0", false, "ERR timeout is negative"),
        ("BLOCK 1.5 STREAMS a 0", false, "ERR timeout is not an integer or out of range"),
        ("COUNT x STREAMS a 0", false, "ERR value is not an integer or out of range"),
        ("GROUP g c STREAMS a 0", false, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."),
        ("NOACK STREAMS a 0", false, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."),
        ("STREAMS a >", true, "ERR Missing GROUP option for XREADGROUP"),
        ("COUNT 1", false, "ERR syntax error"),
        ("FOO STREAMS a 0", false, "ERR syntax error"),
    ];
    for (line, group, want) in cases {
        assert_eq!(error_text(parse(line, group)), want, "{line}");
    }
    let ids_err = |line: &str, group: bool| {
        let args = parse(line, group).unwrap();
        if group {
            error_text(args.group_ids())
        } else {
            error_text(args.xread_ids())
        }
    };
    assert_eq!(
        ids_err("STREAMS a >", false),
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
    );
    assert_eq!(
        ids_err("GROUP g c STREAMS a $", true),
        "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
    );
    assert_eq!(
        ids_err("STREAMS a +", false),
        "ERR Invalid stream ID specified as stream command argument"
    );
    Ok(())
}
