"""The two baselines ``bench cmrc`` scores this project against, as pipelines.

A pipeline maps a question to (passage ids ranked best first, answer text); "" means no answer.

* ``build_bm25_jieba`` – plain BM25 (rank_bm25) over jieba words of whole passages, answer = the
  sentence of the top three passages with the largest IDF-weighted word overlap with the question;
* ``build_chatchat`` – a Langchain-Chatchat-style default: RecursiveCharacterTextSplitter 250/50
  with Chinese separators, the same encoder in a LangChain FAISS store, EnsembleRetriever of
  BM25Retriever (jieba) and FAISS at 0.5/0.5, answer = best-overlap sentence of the top chunk.

Both are deliberately plain: they stand for what one gets without this project's chunking,
question analysis and trust rules.  Heavy libraries are imported inside the builders.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rag.documents import Document

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]  # Chatchat's Chinese splitter, simplified

# What every benchmarked method is: question -> (passage ids best first, answer text or "").
Pipeline = Callable[[str], tuple[list[str], str]]


def _idf_table(texts: list[list[str]]) -> dict[str, float]:
    """BM25's IDF, log(1 + (n - df + 0.5) / (df + 0.5)), of every token of the tokenised texts.

    >>> sorted((t, round(v, 3)) for t, v in _idf_table([["苏州", "工厂"], ["苏州"]]).items())
    [('工厂', 0.693), ('苏州', 0.182)]
    """
    df: dict[str, int] = {}
    for toks in texts:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    n = len(texts)
    return {t: math.log1p((n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def best_overlap_sentence(question: str, texts: list[str], idf: dict[str, float]) -> str:
    """The sentence (of ``texts``, in order of preference) sharing most IDF weight with the question."""
    from rag.chunking import split_sentences
    from rag.lexical import words

    qw = set(words(question))
    best, best_score = "", -1.0
    for rank, text in enumerate(texts):
        for s, e in split_sentences(text):
            sent = text[s:e]
            score = sum(idf.get(w, 0.0) for w in qw if w in sent) - 1e-3 * rank
            if score > best_score:
                best, best_score = sent, score
    return best


def build_bm25_jieba(docs: list[Document]) -> Pipeline:
    """Plain BM25 over jieba words of whole passages; answer from the top three passages."""
    from rank_bm25 import BM25Okapi

    from rag.lexical import words

    toks = [words(d.text) for d in docs]
    bm = BM25Okapi(toks)
    idf = _idf_table(toks)
    ids = [d.doc_id for d in docs]

    def run(q: str) -> tuple[list[str], str]:
        scores = bm.get_scores(words(q))
        order = sorted(range(len(ids)), key=lambda i: -scores[i])[:10]
        return [ids[i] for i in order], best_overlap_sentence(q, [docs[i].text for i in order[:3]], idf)

    return run


def build_chatchat(docs: list[Document], encoder) -> Pipeline:
    """Chatchat's defaults: 250/50 character chunks, BM25 + FAISS ensemble; answer from the top chunk."""
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.embedding import LangChainEmbeddings
    from rag.lexical import words

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=250, chunk_overlap=50, separators=SEPARATORS, keep_separator="end"
    )
    lc_docs = splitter.split_documents(
        [LCDocument(page_content=d.text, metadata={"doc_id": d.doc_id}) for d in docs]
    )
    store = FAISS.from_documents(lc_docs, LangChainEmbeddings(encoder))
    bm25 = BM25Retriever.from_documents(lc_docs, preprocess_func=jieba.lcut_for_search, k=10)
    ensemble = EnsembleRetriever(
        retrievers=[bm25, store.as_retriever(search_kwargs={"k": 10})], weights=[0.5, 0.5]
    )
    idf = _idf_table([words(d.page_content) for d in lc_docs])

    def run(q: str) -> tuple[list[str], str]:
        found = ensemble.invoke(q)
        ranked = list(dict.fromkeys(d.metadata["doc_id"] for d in found))
        top = found[0].page_content if found else ""
        return ranked, best_overlap_sentence(q, [top], idf)

    return run
