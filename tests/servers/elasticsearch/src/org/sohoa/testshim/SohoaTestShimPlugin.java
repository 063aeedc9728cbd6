/*
 * Test-only Elasticsearch plugin for the Sohoa test servers.
 *
 * The Elasticsearch 8.x distribution that Maven Central carries
 * (org.elasticsearch.distribution.integ-test-zip:elasticsearch) is a real, complete
 * server but ships only the modules transport-netty4, x-pack-core, x-pack-security
 * and apm. Two things the application relies on live in modules it lacks:
 *
 *   - rest-root:       GET / and HEAD /  (the Python client's info() and ping())
 *   - analysis-common: the "asciifolding" and configurable "lowercase" token filters
 *
 * This plugin re-implements exactly those, with the same names and options, on top of
 * the Lucene classes the server already ships (lucene-analysis-common). It is compiled
 * with javac against the distribution's own lib/ jars by tests/servers/launch.py.
 */
package org.sohoa.testshim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.Build;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.bytes.BytesArray;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

public class SohoaTestShimPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        this.clusterService = services.clusterService();
        return List.of();
    }

    // ---- analysis (subset of modules/analysis-common) ----

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("asciifolding", AsciiFoldingFactory::new, "lowercase", LowercaseFactory::new);
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        List<PreConfiguredTokenFilter> filters = new ArrayList<>();
        filters.add(PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new));
        return filters;
    }

    static final class AsciiFoldingFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFoldingFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            this.preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new ASCIIFoldingFilter(tokenStream, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream tokenStream) {
            // like analysis-common: never emit the original twice in normalizers
            return new ASCIIFoldingFilter(tokenStream, false);
        }
    }

    static final class LowercaseFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        LowercaseFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            String language = settings.get("language");
            if (language != null) {
                throw new IllegalArgumentException(
                    "lowercase: 'language' is not supported by the Sohoa test shim (analysis-common is absent)");
            }
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new LowerCaseFilter(tokenStream);
        }
    }

    // ---- GET / and HEAD / (subset of modules/rest-root) ----

    @Override
    public Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry namedWriteableRegistry,
            RestController restController, ClusterSettings clusterSettings, IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter, IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster, Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new MainHandler(settings));
    }

    final class MainHandler extends BaseRestHandler {
        private final Settings settings;

        MainHandler(Settings settings) {
            this.settings = settings;
        }

        @Override
        public String getName() {
            return "sohoa_test_main_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
            final boolean head = request.method() == RestRequest.Method.HEAD;
            return channel -> {
                if (head) {
                    channel.sendResponse(new RestResponse(RestStatus.OK, RestResponse.TEXT_CONTENT_TYPE, BytesArray.EMPTY));
                    return;
                }
                ClusterService cs = clusterService;
                String nodeName = cs != null ? cs.getNodeName() : settings.get("node.name", "");
                String clusterName = cs != null ? cs.getClusterName().value() : settings.get("cluster.name", "");
                String clusterUuid = cs != null ? cs.state().metadata().clusterUUID() : "_na_";
                Build build = Build.current();
                XContentBuilder b = channel.newBuilder();
                b.startObject();
                b.field("name", nodeName);
                b.field("cluster_name", clusterName);
                b.field("cluster_uuid", clusterUuid);
                b.startObject("version")
                    .field("number", build.qualifiedVersion())
                    .field("build_flavor", build.flavor())
                    .field("build_type", build.type().displayName())
                    .field("build_hash", build.hash())
                    .field("build_date", build.date())
                    .field("build_snapshot", build.isSnapshot())
                    .field("lucene_version", org.apache.lucene.util.Version.LATEST.toString())
                    .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                    .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                    .endObject();
                b.field("tagline", "You Know, for Search");
                b.endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, b));
            };
        }
    }
}
