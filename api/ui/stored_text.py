"""English sentences the product keeps as they were written, said in Chinese on a Chinese page.

The audit chain's check reports its first break in English (`ChainReport.problem`, and a note
for each anchor it could not trust), and a failed scan job or nightly run keeps its error as
English text in the store. Those texts are evidence and stay as written; a Chinese page
says each known sentence again in Chinese, its numbers, paths and times carried over. What
no pattern knows (an exception from a library) is shown as written, marked as the original.
"""

from __future__ import annotations

import re

# (pattern of the whole English text, the Chinese with the pattern's groups in {0}, {1}, ...)
_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), chinese)
    for pattern, chinese in (
        # pipelines.store.audit.verify_chain
        (
            r"record (\d+) is missing \(next stored is (\d+)\)",
            "第 {0} 条记录缺失（库中下一条为第 {1} 条）",
        ),
        (
            r"record (\d+) does not chain to record (\d+)",
            "第 {0} 条记录与第 {1} 条记录的哈希链不相接",
        ),
        (r"record (\d+) was altered after it was written", "第 {0} 条记录在写入后被修改"),
        (
            r"record (\d+) differs from the head anchored outside the store at (.+): "
            r"the chain was rewritten",
            "第 {0} 条记录与 {1} 保存在库外的链头锚点不一致：审计链被改写",
        ),
        (
            r"record (\d+) has no seal though records before it have",
            "第 {0} 条记录没有封印，而它之前的记录有封印",
        ),
        (
            r"record (\d+)'s seal does not match the audit key: it was rewritten in the "
            r"database \(or sealed with another key\)",
            "第 {0} 条记录的封印与审计密钥不符：记录在数据库中被改写（或用其他密钥封印）",
        ),
        (
            r"the chain ends at record (\d+), but record (\d+) was anchored outside the store "
            r"at (.+): records were removed",
            "审计链止于第 {0} 条记录，但库外锚点在 {2} 记载了第 {1} 条记录：有记录被删除",
        ),
        # pipelines.store.audit_anchor.read_anchors
        (r"(.+):(\d+): not an anchor", "{0} 第 {1} 行：不是锚点记录"),
        (r"(.+):(\d+): seal does not match the audit key", "{0} 第 {1} 行：锚点封印与审计密钥不符"),
        # api.jobs (a scan job's error, "<exception>: <message>")
        (
            r"OutsideMediaRoots: (\d+) file\(s\) found lead outside the media roots, nothing "
            r"scanned: (.*)",
            "有 {0} 个文件指向媒体目录之外，未扫描任何文件：{1}",
        ),
        (
            r"OutsideMediaRoots: (.+): not under the service's media roots",
            "{0}：不在服务的媒体目录下",
        ),
        # pipelines.nightly.run
        (r"(\d+) unit\(s\) failed", "{0} 个分析单元失败"),
    )
)
# "ValueError: no video files to scan: <problem>; <problem>", each problem of ingest.discover.
_NO_FILES = re.compile(r"ValueError: no video files to scan: (.*)", re.DOTALL)
_FILE_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), chinese)
    for pattern, chinese in (
        (r"(.+): folder holds no video files", "{0}：文件夹中没有视频文件"),
        (r"(.+): not a regular file or folder", "{0}：不是普通文件或文件夹"),
        (r"(.+): no such file or folder", "{0}：文件或文件夹不存在"),
        (r"(.+): leads outside the media roots, not scanned", "{0}：指向媒体目录之外，未扫描"),
    )
)
# A failure no sentence above knows: its kind in Chinese, the message as written.
_EXCEPTIONS = {
    "UnreadableMedia": "录像无法读取",
    "OriginalUnavailable": "原始录像不可用",
    "FileNotFoundError": "文件不存在",
    "PermissionError": "无权访问文件",
    "OutsideMediaRoots": "路径不在媒体目录下",
    "OSError": "文件读写错误",
    "MemoryError": "内存不足",
    "TimeoutError": "超时",
    "KeyboardInterrupt": "被中断",
}
_EXCEPTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*): (.*)", re.DOTALL)
ORIGINAL = "原文"


def _matched(table: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str | None:
    for pattern, chinese in table:
        found = pattern.fullmatch(text)
        if found:
            return chinese.format(*found.groups())
    return None


def _no_files(problems: str) -> str:
    said = [_matched(_FILE_PROBLEMS, p) or f"{ORIGINAL}：{p}" for p in problems.split("; ")]
    return "没有可扫描的视频文件：" + "；".join(said)


def in_chinese(text: str) -> str:
    """`text` (a stored English problem or error) said in Chinese; one no pattern knows is
    "原文：<text>", or "<kind in Chinese>（原文）：<message>" for a known exception."""
    known = _matched(_SENTENCES, text)
    if known is not None:
        return known
    no_files = _NO_FILES.fullmatch(text)
    if no_files:
        return _no_files(no_files.group(1))
    failure = _EXCEPTION.fullmatch(text)
    kind = _EXCEPTIONS.get(failure.group(1).rsplit(".", 1)[-1]) if failure else None
    if failure and kind:
        return f"{kind}（{ORIGINAL}）：{failure.group(2)}"
    return f"{ORIGINAL}：{text}"
